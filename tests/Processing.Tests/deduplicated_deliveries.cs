using PitPlatform.Contracts.Consuming;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// A second record of an event the usage aggregator already counted (a client resend the edge accepted twice) is
/// noted once in deduplicated_deliveries, in the transaction of its other writes; a replay of the same records at the
/// same positions adds nothing, and a resend with another payload is a conflict, not a duplicate.
/// </summary>
public sealed class deduplicated_deliveries(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task an_event_sent_twice_is_noted_once_as_deduplicated()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var call = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call());
        var fill = harness.FillEnvelope(Guid.NewGuid());
        var first = harness.Record(call);
        var resent = harness.Record(call);

        await harness.Aggregator.HandleAsync([first, harness.Record(fill)], Ct);
        await harness.Aggregator.HandleAsync([resent], Ct);

        Assert.Equal(1, await harness.Database.CountAsync("deduplicated_deliveries"));
        Assert.Equal(
            1,
            await harness.Database.CountAsync(
                "deduplicated_deliveries",
                $"event_id = '{call.EventId}' AND consumer = 'usage-aggregator' AND tenant = 'demo' "
                    + $"AND source_offset = {resent.Offset} AND series = 'assistant' AND ts = '2026-11-22T10:00:00Z' "
                    + $"AND user_ref_hash = '{new string('a', 64)}'"
            )
        );
        Assert.Equal(1, await harness.Database.CountAsync("usage_daily", "calls = 1"));
    }

    [Fact]
    public async Task a_resend_in_the_same_batch_is_a_duplicate_too()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var fill = harness.FillEnvelope(Guid.NewGuid());

        await harness.Aggregator.HandleAsync([harness.Record(fill), harness.Record(fill), harness.Record(fill)], Ct);

        Assert.Equal(2, await harness.Database.CountAsync("deduplicated_deliveries", $"event_id = '{fill.EventId}'"));
    }

    [Fact]
    public async Task a_replayed_batch_records_no_duplicate()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var once = harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call()));
        var twice = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(model: "claude"));
        IReadOnlyList<ConsumedRecord> batch = [once, harness.Record(twice), harness.Record(twice)];

        await harness.Aggregator.HandleAsync(batch, Ct);
        await harness.Aggregator.HandleAsync(batch, Ct);
        await harness.Aggregator.HandleAsync([once], Ct);

        Assert.Equal(0, await harness.Database.CountAsync("deduplicated_deliveries", $"source_offset = {once.Offset}"));
        Assert.Equal(1, await harness.Database.CountAsync("deduplicated_deliveries"));
    }

    [Fact]
    public async Task a_resend_with_another_payload_is_a_conflict_not_a_duplicate()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var id = Guid.NewGuid();

        await harness.Aggregator.HandleAsync([harness.Record(harness.CallEnvelope(id, UsageHarness.Call()))], Ct);
        await harness.Aggregator.HandleAsync(
            [harness.Record(harness.CallEnvelope(id, UsageHarness.Call(input: 7)))],
            Ct
        );

        Assert.Equal(0, await harness.Database.CountAsync("deduplicated_deliveries"));
        Assert.Equal(
            1,
            await harness.Database.CountAsync(
                "dead_lettered_events",
                $"event_id = '{id}' AND reason = '{DeadLetterReason.IdempotencyConflict}'"
            )
        );
    }
}
