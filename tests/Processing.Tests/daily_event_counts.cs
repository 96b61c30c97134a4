using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// The overview's per-day rollup (event_counts_daily): the usage aggregator counts what it accepts, the NAV processor
/// what it applies, each in the transaction of its processed rows, so a redelivery adds nothing.
/// </summary>
public sealed class daily_event_counts(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task overview_counts_a_redelivered_batch_once()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var call = harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(model: "gpt-4o-mini"));
        var fill = harness.FillEnvelope(Guid.NewGuid(), tenant: "other");
        var late = harness.FillEnvelope(Guid.NewGuid(), tenant: "other", ts: "2026-11-23T10:00:00Z");

        await harness.Aggregator.HandleAsync([harness.Record(call), harness.Record(fill), harness.Record(call)], Ct);
        await harness.Aggregator.HandleAsync([harness.Record(call), harness.Record(fill), harness.Record(late)], Ct);

        Assert.Equal(1, await AcceptedAsync(harness.Database, "demo", "2026-11-22", "runtime.llm_call"));
        Assert.Equal(1, await AcceptedAsync(harness.Database, "other", "2026-11-22", "exec.trade_fill"));
        Assert.Equal(1, await AcceptedAsync(harness.Database, "other", "2026-11-23", "exec.trade_fill"));
        Assert.Equal(3, await harness.Database.ScalarAsync<long>("SELECT sum(events)::bigint FROM event_counts_daily"));
    }

    [Fact]
    public async Task applied_fills_are_counted_once_whichever_group_applied_them()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        // Enough fills over enough cells for the batch to be split into concurrent groups, each in its own slot.
        var fills = Enumerable
            .Range(0, 1_200)
            .Select(i => harness.FillEnvelope(Guid.NewGuid(), quantity: 1, cell: $"c{i % 40}"))
            .ToList();
        var small = Enumerable.Range(0, 5).Select(_ => harness.FillEnvelope(Guid.NewGuid())).ToList();

        await harness.Processor.HandleAsync(fills.Select(harness.Record).ToList(), Ct);
        await harness.Processor.HandleAsync(small.Select(harness.Record).ToList(), Ct);
        // The same events again at new offsets: found processed, counted nowhere.
        await harness.Processor.HandleAsync(fills.Concat(small).Select(harness.Record).ToList(), Ct);

        Assert.Equal(
            1_205,
            await harness.Database.ScalarAsync<long>(
                "SELECT sum(events)::bigint FROM event_counts_daily "
                    + "WHERE tenant = 'demo' AND day = '2026-11-22' AND type = 'exec.trade_fill' AND status = 'applied'"
            )
        );
        Assert.True(
            await harness.Database.ScalarAsync<long>("SELECT count(DISTINCT slot) FROM event_counts_daily") > 1
        );
    }

    private static Task<long> AcceptedAsync(TestDatabase database, string tenant, string day, string type) =>
        database.ScalarAsync<long>(
            "SELECT coalesce(sum(events), 0)::bigint FROM event_counts_daily "
                + $"WHERE tenant = '{tenant}' AND day = '{day}' AND type = '{type}' AND status = 'accepted'"
        );
}
