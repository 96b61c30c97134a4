using System.Globalization;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Processing.RecentEvents;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// A dead letter of a known tenant is noted in dead_lettered_events once, so the console counts it per tenant and
/// reason and shows its event as dead-lettered rather than pending.
/// </summary>
public sealed class dead_letters_per_tenant(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task dead_letters_are_noted_per_tenant_and_reason_once()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var bad = harness.Record(harness.CallEnvelope(Guid.NewGuid(), UsageHarness.Call(input: -1)));

        await harness.Aggregator.HandleAsync([bad], Ct);
        await harness.Aggregator.HandleAsync([bad], Ct);

        Assert.Equal(
            1,
            await harness.Database.CountAsync(
                "dead_lettered_events",
                $"tenant = 'demo' AND consumer = 'usage-aggregator' AND reason = '{DeadLetterReason.InvalidPayload}' "
                    + "AND type = 'runtime.llm_call' AND ts = '2026-11-22T10:00:00Z'"
            )
        );
    }

    [Fact]
    public async Task a_dead_lettered_fill_is_counted_dead_lettered_not_pending()
    {
        await using var harness = await ProcessorHarness.StartAsync(postgres, kafka);
        var id = Guid.NewGuid();
        var huge = harness.FillEnvelope(id, quantity: 1_000_000_000_000, price: long.MaxValue / 10);
        // What the usage aggregator wrote for it when it counted it.
        await harness.Database.ExecuteAsync(
            $"""
            INSERT INTO recent_events (event_id, tenant, type, ts, series, cell) VALUES ('{id}', 'demo', 'exec.trade_fill', '2026-11-22T10:00:00Z', 'alpha', '0001');
            INSERT INTO event_counts_daily (tenant, day, type, status, events) VALUES ('demo', '2026-11-22', 'exec.trade_fill', 'accepted', 1);
            """
        );

        await harness.Processor.HandleAsync([harness.Record(huge)], Ct);

        var wholeDay = await OverviewCounts.ReadAsync(
            harness.Database.DataSource,
            "demo",
            At("2026-11-22T00:00:00Z"),
            At("2026-11-23T00:00:00Z"),
            Ct
        );
        var live = await OverviewCounts.ReadAsync(
            harness.Database.DataSource,
            "demo",
            At("2026-11-22T09:00:00Z"),
            At("2026-11-22T11:00:00Z"),
            Ct
        );
        var expected = new OverviewCount("exec.trade_fill", RecentEventStatus.DeadLettered, 1);
        Assert.Equal([expected], wholeDay);
        Assert.Equal([expected], live);
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
