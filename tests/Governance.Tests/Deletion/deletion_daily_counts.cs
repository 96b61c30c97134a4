using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Deletion;

/// <summary>
/// The overview's daily counts (event_counts_daily) lose exactly what the deleted recent events added, though they
/// hold no series, cell or subject; a tenant's other counts and other tenants' stay. Dead letters go by series too.
/// </summary>
public sealed class deletion_daily_counts(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_deletion_purges_the_daily_counts()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var db = api.Pipeline.Database;
        await SeedAsync(db);

        var id = await api.RequestAsync(
            new
            {
                scope = "series",
                series = "alpha",
                reason = "client left",
            }
        );
        await api.ApproveAsync(id);
        var counts = (await api.CompletedAsync(id)).GetProperty("counts");

        // alpha had 2 cells (a fill and 2 calls each), beta 1 cell: beta's counts are what is left.
        Assert.Equal(3, counts.GetProperty("postgres.event_counts_daily").GetInt64());
        Assert.Equal((1, 2, 1), await CountsAsync(db, "demo"));
        Assert.Equal((1, 2, 1), await CountsAsync(db, "other"));
        Assert.Equal(1, await db.CountAsync("event_counts_daily", "tenant = 'demo' AND status = 'applied'"));
        Assert.Equal(1, counts.GetProperty("postgres.dead_lettered_events").GetInt64());
        Assert.Equal(0, await db.CountAsync("dead_lettered_events", "tenant = 'demo' AND series = 'alpha'"));
        Assert.Equal(2, await db.CountAsync("dead_lettered_events"));

        var tenant = await api.RequestAsync(new { scope = "tenant", reason = "offboarding" });
        await api.ApproveAsync(tenant);
        await api.CompletedAsync(tenant);

        Assert.Equal(0, await db.CountAsync("event_counts_daily", "tenant = 'demo'"));
        Assert.Equal((1, 2, 1), await CountsAsync(db, "other"));
    }

    [Fact]
    public async Task a_subject_deletion_takes_its_calls_out_of_the_daily_counts()
    {
        await using var api = await DeletionApi.StartAsync(postgres, kafka, blob);
        var db = api.Pipeline.Database;
        await SeedAsync(db);

        var id = await api.RequestAsync(
            new
            {
                scope = "subject",
                subject = TenantData.Subject,
                reason = "right to erasure",
            }
        );
        await api.ApproveAsync(id);
        await api.CompletedAsync(id);

        Assert.Equal((3, 3, 3), await CountsAsync(db, "demo"));
        Assert.Equal((1, 2, 1), await CountsAsync(db, "other"));
    }

    /// <summary>
    /// demo: alpha c1, c2 and beta c1; other: alpha c1. The daily counts as the consumers would have kept them, every
    /// fill applied, the applied counts spread over two slots.
    /// </summary>
    private static async Task SeedAsync(TestDatabase db)
    {
        await TenantData.SeedAsync(db, "demo", "alpha", ["c1", "c2"]);
        await TenantData.SeedAsync(db, "demo", "beta", ["c1"]);
        await TenantData.SeedAsync(db, "other", "alpha", ["c1"]);
        await db.ExecuteAsync(
            """
            INSERT INTO processed_events (consumer, event_id, payload_sha256)
            SELECT 'nav-processor', event_id, '\x00' FROM recent_events WHERE type = 'exec.trade_fill';
            INSERT INTO event_counts_daily (tenant, day, type, status, slot, events)
            SELECT tenant, (ts AT TIME ZONE 'UTC')::date, type, 'accepted', 0, count(*) FROM recent_events GROUP BY 1, 2, 3;
            INSERT INTO event_counts_daily (tenant, day, type, status, slot, events)
            SELECT tenant, (ts AT TIME ZONE 'UTC')::date, type, 'applied', s, 0 FROM recent_events, generate_series(1, 2) s
            WHERE type = 'exec.trade_fill' GROUP BY 1, 2, 3, 5;
            UPDATE event_counts_daily d SET events = (
                SELECT count(*) FROM recent_events r WHERE r.tenant = d.tenant AND r.type = d.type) - 1
            WHERE status = 'applied' AND slot = 1;
            UPDATE event_counts_daily SET events = 1 WHERE status = 'applied' AND slot = 2;
            INSERT INTO dead_lettered_events (dead_letter_id, tenant, type, series, cell, ts, consumer, reason)
            SELECT gen_random_uuid(), t, 'exec.trade_fill', s, 'c1', now(), 'nav-processor', 'invalid_fill'
            FROM (VALUES ('demo', 'alpha'), ('demo', 'beta'), ('other', 'alpha')) v(t, s);
            """
        );
    }

    /// <summary>(fills accepted, calls accepted, fills applied) of the tenant, over every day and slot.</summary>
    private static async Task<(long, long, long)> CountsAsync(TestDatabase db, string tenant) =>
        (
            await SumAsync(db, tenant, "exec.trade_fill", "accepted"),
            await SumAsync(db, tenant, "runtime.llm_call", "accepted"),
            await SumAsync(db, tenant, "exec.trade_fill", "applied")
        );

    private static Task<long> SumAsync(TestDatabase db, string tenant, string type, string status) =>
        db.ScalarAsync<long>(
            "SELECT coalesce(sum(events), 0)::bigint FROM event_counts_daily "
                + $"WHERE tenant = '{tenant}' AND type = '{type}' AND status = '{status}'"
        );
}
