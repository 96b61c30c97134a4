using PitPlatform.Processing.Usage;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// The usage aggregator keeps each accepted event's metadata in recent_events, once, and never its text.
/// </summary>
public sealed class recent_events_store(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task each_counted_event_is_one_recent_event_however_often_it_is_delivered()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var call = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(model: "gpt-4o-mini"));
        var fill = harness.FillEnvelope(Guid.NewGuid(), tenant: "other");

        await harness.Aggregator.HandleAsync([harness.Record(call), harness.Record(fill), harness.Record(call)], Ct);
        await harness.Aggregator.HandleAsync([harness.Record(call), harness.Record(fill)], Ct);

        Assert.Equal(2, await harness.Database.CountAsync("recent_events"));
        Assert.Equal(
            1,
            await harness.Database.CountAsync(
                "recent_events",
                $"event_id = '{call.EventId}' AND tenant = 'demo' AND type = 'runtime.llm_call' "
                    + "AND model = 'gpt-4o-mini' AND ts = '2026-11-22T10:00:00Z'"
            )
        );
        Assert.Equal(
            1,
            await harness.Database.CountAsync(
                "recent_events",
                $"event_id = '{fill.EventId}' AND tenant = 'other' AND type = 'exec.trade_fill' "
                    + $"AND model IS NULL AND cell = '{fill.Cell}'"
            )
        );
    }

    [Fact]
    public async Task a_call_the_aggregator_dead_lettered_is_a_recent_event_it_did_not_count()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var bad = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(input: -1));

        await harness.Aggregator.HandleAsync([harness.Record(bad)], Ct);
        await harness.Aggregator.HandleAsync([harness.Record(bad)], Ct);

        Assert.Equal(1, await harness.Database.CountAsync("recent_events"));
        Assert.Equal(
            1,
            await harness.Database.CountAsync(
                "recent_events",
                $"event_id = '{bad.EventId}' AND tenant = 'demo' AND type = 'runtime.llm_call' AND NOT counted "
                    + $"AND model = 'gpt-4o' AND user_ref_hash = '{new string('a', 64)}' "
                    + "AND ts = '2026-11-22T10:00:00Z'"
            )
        );
        Assert.Equal(0, await harness.Database.CountAsync("event_counts_daily"));
    }

    [Fact]
    public async Task an_event_dead_lettered_elsewhere_first_is_counted_once_the_aggregator_counts_it()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var fill = harness.FillEnvelope(Guid.NewGuid());
        var record = harness.Record(fill);
        await harness.DeadLetterWriter.WriteAsync(record, "nav-processor", "invalid_fill", "test", fill, Ct);
        Assert.Equal(1, await harness.Database.CountAsync("recent_events", "NOT counted"));

        await harness.Aggregator.HandleAsync([record], Ct);

        Assert.Equal(1, await harness.Database.CountAsync("recent_events", $"event_id = '{fill.EventId}' AND counted"));
    }

    [Fact]
    public void the_type_is_the_topics_ingest_type_even_under_a_prefix()
    {
        Assert.Equal("exec.trade_fill", RecentEventsWriter.TypeOf("pit.v1.exec.trade_fill"));
        Assert.Equal("runtime.llm_call", RecentEventsWriter.TypeOf("run42.pit.v1.runtime.llm_call"));
    }
}
