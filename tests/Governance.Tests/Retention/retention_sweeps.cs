using System.Text.Json;
using PitPlatform.Processing.DeadLetters;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>The sweeper deletes what a tenant's retention lets go, and nothing else, once per sweep.</summary>
public sealed class retention_sweeps(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Cutoff = SweepHarness.Now.AddDays(-90);

    [Fact]
    public async Task older_data_goes_newer_data_stays_and_other_tenants_are_untouched()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        await h.AddNavPointsAsync("acme", SweepHarness.Old, 7);
        await h.AddNavPointsAsync("acme", SweepHarness.Recent, 2);
        await h.AddNavPointsAsync("beta", SweepHarness.Old, 3);
        await h.AddLlmCallsAsync("acme", SweepHarness.Old, 4);
        await h.AddLlmCallsAsync("acme", SweepHarness.Recent, 1);
        await h.AddRecentEventsAsync("acme", SweepHarness.Old, 5);
        await h.AddRecentEventsAsync("acme", SweepHarness.Recent, 2);
        await h.AddRecentEventsAsync("beta", SweepHarness.Old, 1);
        await h.AddProcessedEventsAsync(SweepHarness.Old, 3);
        await h.AddProcessedEventsAsync(SweepHarness.Recent, 2);
        var sweep = h.Sweep("acme");

        await h.Sweeper().HandleAsync([sweep], Ct);

        Assert.Equal(0, await h.CountAsync("nav_points", "acme", Cutoff));
        Assert.Equal(2, await h.Database.CountAsync("nav_points", "tenant = 'acme'"));
        Assert.Equal(3, await h.Database.CountAsync("nav_points", "tenant = 'beta'"));
        Assert.Equal(0, await h.Database.CountAsync("nav_rollups", $"tenant = 'acme' AND bucket < '{Cutoff:O}'"));
        Assert.True(await h.Database.CountAsync("nav_rollups", "tenant = 'acme'") > 0);
        Assert.True(await h.Database.CountAsync("nav_rollups", "tenant = 'beta'") > 0);
        Assert.Equal(0, await h.CountAsync("llm_calls", "acme", Cutoff));
        Assert.Equal(1, await h.Database.CountAsync("llm_calls", "tenant = 'acme'"));
        Assert.Equal(0, await h.CountAsync("recent_events", "acme", Cutoff));
        Assert.Equal(2, await h.Database.CountAsync("recent_events", "tenant = 'acme'"));
        Assert.Equal(1, await h.Database.CountAsync("recent_events", "tenant = 'beta'"));
        Assert.Equal(2, await h.Database.CountAsync("processed_events"));
        using var deleted = JsonDocument.Parse(await h.DeletedAsync(sweep));
        Assert.Equal(7, deleted.RootElement.GetProperty("nav_points").GetInt64());
        Assert.Equal(4, deleted.RootElement.GetProperty("llm_calls").GetInt64());
        Assert.Equal(5, deleted.RootElement.GetProperty("recent_events").GetInt64());
        Assert.Equal(3, deleted.RootElement.GetProperty("processed_events").GetInt64());
        var audit = Assert.Single(await h.SweepAuditsAsync("acme"));
        Assert.Equal(7, audit.GetProperty("deleted").GetProperty("nav_points").GetInt64());
        Assert.Empty(await h.SweepAuditsAsync("beta"));
    }

    [Fact]
    public async Task retention_sweeps_deduplicated_deliveries()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        await h.AddDeduplicatedDeliveriesAsync("acme", SweepHarness.Old, 3);
        await h.AddDeduplicatedDeliveriesAsync("acme", SweepHarness.Recent, 2);
        await h.AddDeduplicatedDeliveriesAsync("beta", SweepHarness.Old, 1);
        var sweep = h.Sweep("acme");

        await h.Sweeper().HandleAsync([sweep], Ct);

        Assert.Equal(0, await h.CountAsync("deduplicated_deliveries", "acme", Cutoff));
        Assert.Equal(2, await h.Database.CountAsync("deduplicated_deliveries", "tenant = 'acme'"));
        Assert.Equal(1, await h.Database.CountAsync("deduplicated_deliveries", "tenant = 'beta'"));
        using var deleted = JsonDocument.Parse(await h.DeletedAsync(sweep));
        Assert.Equal(3, deleted.RootElement.GetProperty("deduplicated_deliveries").GetInt64());
    }

    [Fact]
    public async Task the_daily_counts_and_refusals_go_by_whole_days_before_the_cutoff()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        var cutoffDay = DateOnly.FromDateTime(Cutoff.UtcDateTime);
        foreach (var (tenant, day) in new[] { ("acme", -2), ("acme", -1), ("acme", 0), ("acme", 1), ("beta", -2) })
        {
            await h.Database.ExecuteAsync(
                "INSERT INTO event_counts_daily (tenant, day, type, status, events) "
                    + $"VALUES ('{tenant}', '{cutoffDay.AddDays(day):yyyy-MM-dd}', 'runtime.llm_call', 'accepted', 5)"
            );
            await h.Database.ExecuteAsync(
                "INSERT INTO ingest_refusals_daily (tenant, day, code, events) "
                    + $"VALUES ('{tenant}', '{cutoffDay.AddDays(day):yyyy-MM-dd}', 'ERR_VALIDATION', 2)"
            );
        }

        // A cutoff at noon: the day before it goes whole, the cutoff's own day straddles it and stays with its newer
        // events, as nav_rollups' buckets do.
        await h.Sweeper().HandleAsync([h.Sweep("acme", cutoff: Cutoff.AddHours(12))], Ct);

        Assert.Equal(2, await h.Database.CountAsync("event_counts_daily", "tenant = 'acme'"));
        Assert.Equal(
            0,
            await h.Database.CountAsync("event_counts_daily", $"tenant = 'acme' AND day < '{cutoffDay:yyyy-MM-dd}'")
        );
        Assert.Equal(1, await h.Database.CountAsync("event_counts_daily", "tenant = 'beta'"));
        Assert.Equal(2, await h.Database.CountAsync("ingest_refusals_daily", "tenant = 'acme'"));
        Assert.Equal(1, await h.Database.CountAsync("ingest_refusals_daily", "tenant = 'beta'"));
    }

    [Fact]
    public async Task a_repeated_sweep_changes_nothing()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        await h.AddNavPointsAsync("acme", SweepHarness.Old, 5);
        await h.AddNavPointsAsync("acme", SweepHarness.Recent, 5);
        var sweep = h.Sweep("acme");
        await h.Sweeper().HandleAsync([sweep], Ct);
        var snapshot = await SnapshotAsync(h);
        var counted = await h.DeletedAsync(sweep);

        await h.Sweeper().HandleAsync([sweep], Ct);
        var next = h.Sweep("acme");
        await h.Sweeper().HandleAsync([next], Ct);

        Assert.Equal(snapshot, await SnapshotAsync(h));
        Assert.Equal(counted, await h.DeletedAsync(sweep));
        Assert.Equal("{}", await h.DeletedAsync(next));
        Assert.Equal(2, await h.Database.CountAsync("retention_sweeps", "completed_at IS NOT NULL"));
        Assert.Equal(2, (await h.SweepAuditsAsync("acme")).Count);
    }

    [Fact]
    public async Task a_sweep_stopped_half_way_resumes_and_counts_every_row_once()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob, chunkRows: 2);
        await h.AddNavPointsAsync("acme", SweepHarness.Old, 7);
        await h.AddNavPointsAsync("acme", SweepHarness.Recent, 2);
        var sweep = h.Sweep("acme");

        await Assert.ThrowsAsync<IOException>(() => h.CrashingSweeper(chunks: 2).HandleAsync([sweep], Ct));
        var leftAfterCrash = await h.CountAsync("nav_points", "acme", Cutoff);
        await h.Sweeper().HandleAsync([sweep], Ct);

        Assert.Equal(3, leftAfterCrash);
        Assert.Equal(0, await h.CountAsync("nav_points", "acme", Cutoff));
        Assert.Equal(2, await h.Database.CountAsync("nav_points", "tenant = 'acme'"));
        using var deleted = JsonDocument.Parse(await h.DeletedAsync(sweep));
        Assert.Equal(7, deleted.RootElement.GetProperty("nav_points").GetInt64());
        Assert.Equal(1, await h.Database.CountAsync("retention_sweeps", "completed_at IS NOT NULL"));
        Assert.Equal(
            7,
            Assert.Single(await h.SweepAuditsAsync("acme")).GetProperty("deleted").GetProperty("nav_points").GetInt64()
        );
    }

    [Fact]
    public async Task a_sweep_never_takes_more_than_the_tenants_policy_allows()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        await h.AddNavPointsAsync("acme", SweepHarness.Old, 3);
        await h.AddNavPointsAsync("acme", SweepHarness.Recent, 4);

        await h.Sweeper().HandleAsync([h.Sweep("acme", cutoff: SweepHarness.Now, days: 1)], Ct);

        Assert.Equal(4, await h.Database.CountAsync("nav_points", "tenant = 'acme'"));
    }

    [Fact]
    public async Task a_poison_sweep_record_is_dead_lettered_and_its_neighbours_swept()
    {
        await using var h = await SweepHarness.StartAsync(postgres, kafka, blob);
        await h.AddNavPointsAsync("acme", SweepHarness.Old, 3);
        await h.AddNavPointsAsync("beta", SweepHarness.Old, 3);
        var notEnvelope = h.Record("t/acme/s/retention", [0xFF, 0x01, 0x02]);
        var otherTenant = h.Sweep("beta", keyTenant: "acme");
        var good = h.Sweep("acme");

        await h.Sweeper().HandleAsync([notEnvelope, otherTenant, good], Ct);

        var letters = h.ReadDeadLetters(2);
        Assert.Equal(2, letters.Count);
        Assert.Contains(letters, l => l.SourceOffset == notEnvelope.Offset && l.ConsumerGroup == "retention-sweeper");
        Assert.Contains(letters, l =>
            l.SourceOffset == otherTenant.Offset && l.Reason == DeadLetterReason.InvalidPayload
        );
        Assert.Equal(0, await h.Database.CountAsync("nav_points", "tenant = 'acme'"));
        Assert.Equal(3, await h.Database.CountAsync("nav_points", "tenant = 'beta'"));
    }

    private static async Task<string> SnapshotAsync(SweepHarness h) =>
        await h.Database.ScalarAsync<string>(
            """
            SELECT (SELECT count(*) FROM nav_points) || '/' || (SELECT count(*) FROM nav_rollups) || '/' || (SELECT count(*) FROM llm_calls)
                || '/' || (SELECT count(*) FROM processed_events) || '/' || (SELECT coalesce(sum(points), 0) FROM nav_rollups)
            """
        );
}
