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
    public async Task a_dead_lettered_call_leaves_no_recent_event()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var bad = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(input: -1));

        await harness.Aggregator.HandleAsync([harness.Record(bad)], Ct);

        Assert.Equal(0, await harness.Database.CountAsync("recent_events"));
    }

    [Fact]
    public void the_type_is_the_topics_ingest_type_even_under_a_prefix()
    {
        Assert.Equal("exec.trade_fill", RecentEventsWriter.TypeOf("pit.v1.exec.trade_fill"));
        Assert.Equal("runtime.llm_call", RecentEventsWriter.TypeOf("run42.pit.v1.runtime.llm_call"));
    }
}
