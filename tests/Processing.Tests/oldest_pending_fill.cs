using System.Globalization;
using PitPlatform.Processing.RecentEvents;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Processing.Tests;

/// <summary>
/// The overview's per-tenant lag in time: how long ago the oldest fill of the window that is still pending (neither
/// applied nor dead-lettered) was accepted, over whole days from the rollup's hint and partial days alike.
/// </summary>
public sealed class oldest_pending_fill(PostgresFixture postgres, KafkaFixture kafka)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = At("2026-11-23T12:00:00Z");

    [Fact]
    public async Task the_oldest_pending_fill_gives_the_tenants_lag_in_time()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        var (applied, waiting, dead, newest) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await harness.Database.ExecuteAsync(
            $"""
            INSERT INTO recent_events (event_id, tenant, type, ts, series, cell, accepted_at) VALUES
                ('{applied}', 'demo', 'exec.trade_fill', '2026-11-22T09:00:00Z', 'alpha', 'c1', '2026-11-23T11:00:00Z'),
                ('{dead}', 'demo', 'exec.trade_fill', '2026-11-22T09:30:00Z', 'alpha', 'c1', '2026-11-23T11:10:00Z'),
                ('{waiting}', 'demo', 'exec.trade_fill', '2026-11-22T10:00:00Z', 'alpha', 'c1', '2026-11-23T11:50:00Z'),
                ('{newest}', 'demo', 'exec.trade_fill', '2026-11-22T11:00:00Z', 'alpha', 'c1', '2026-11-23T11:58:00Z'),
                (gen_random_uuid(), 'other', 'exec.trade_fill', '2026-11-22T09:00:00Z', 'alpha', 'c1', '2026-11-23T10:00:00Z');
            INSERT INTO processed_events (consumer, event_id, payload_sha256) VALUES ('nav-processor', '{applied}', '\x00');
            INSERT INTO dead_lettered_events (dead_letter_id, tenant, event_id, type, ts, consumer, reason)
            VALUES (gen_random_uuid(), 'demo', '{dead}', 'exec.trade_fill', '2026-11-22T09:30:00Z', 'nav-processor', 'invalid_fill');
            INSERT INTO event_counts_daily (tenant, day, type, status, events) VALUES
                ('demo', '2026-11-22', 'exec.trade_fill', 'accepted', 4), ('demo', '2026-11-22', 'exec.trade_fill', 'applied', 1),
                ('other', '2026-11-22', 'exec.trade_fill', 'accepted', 1);
            """
        );

        Assert.Equal(600, await AgeAsync(harness, "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"));
        Assert.Equal(600, await AgeAsync(harness, "2026-11-21T12:00:00Z", "2026-11-23T12:00:00Z"));
        Assert.Equal(600, await AgeAsync(harness, "2026-11-22T09:45:00Z", "2026-11-22T12:00:00Z"));
        Assert.Equal(120, await AgeAsync(harness, "2026-11-22T10:30:00Z", "2026-11-22T12:00:00Z"));
        Assert.Null(await AgeAsync(harness, "2026-11-22T08:00:00Z", "2026-11-22T09:45:00Z"));
    }

    [Fact]
    public async Task the_whole_days_every_fill_of_which_was_applied_are_not_searched()
    {
        await using var harness = await UsageHarness.StartAsync(postgres, kafka);
        // A pending row the rollup says was applied (as after a replay counted it twice) is not looked for.
        await harness.Database.ExecuteAsync(
            """
            INSERT INTO recent_events (event_id, tenant, type, ts, series, cell, accepted_at)
            VALUES (gen_random_uuid(), 'demo', 'exec.trade_fill', '2026-11-22T09:00:00Z', 'alpha', 'c1', '2026-11-23T11:00:00Z');
            INSERT INTO event_counts_daily (tenant, day, type, status, events) VALUES
                ('demo', '2026-11-22', 'exec.trade_fill', 'accepted', 1), ('demo', '2026-11-22', 'exec.trade_fill', 'applied', 1);
            """
        );

        Assert.Null(await AgeAsync(harness, "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"));
        Assert.Equal(3600, await AgeAsync(harness, "2026-11-22T08:00:00Z", "2026-11-22T10:00:00Z"));
    }

    private static Task<long?> AgeAsync(UsageHarness harness, string from, string to) =>
        OldestPendingFill.AgeSecondsAsync(harness.Database.DataSource, "demo", At(from), At(to), Now, Ct);

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
