using PitPlatform.Hosting;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Governance.Tests.Retention;

/// <summary>
/// The local host schedules sweeps periodically and its consumer loop sweeps them, end to end over Kafka.
/// </summary>
public sealed class local_host_retention(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    [Fact]
    public async Task the_local_host_sweeps_expired_rows_on_its_period_and_audits_each_sweep()
    {
        await using var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(),
            kafka,
            blob,
            runConsumers: true,
            settings: new Dictionary<string, string?> { [SettingNames.RetentionSweepPeriodSeconds] = "2" }
        );
        var old = DateTimeOffset.UtcNow.AddDays(-200);
        await pipeline.Database.ExecuteAsync(
            $"""
            INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
            SELECT gen_random_uuid(), 'demo', 'alpha', '0001', 'USD', '{old:O}'::timestamptz + make_interval(mins => i), i, i, 0, i
            FROM generate_series(1, 20) i;
            INSERT INTO nav_points (event_id, tenant, series, cell, currency, ts, nav_micros, cash_micros, positions_value_micros, fills_applied)
            VALUES (gen_random_uuid(), 'demo', 'alpha', '0001', 'USD', now(), 1, 1, 0, 21);
            """
        );

        var left = await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("nav_points", "tenant = 'demo'"),
            n => n == 1,
            TimeSpan.FromSeconds(60),
            "the expired NAV points of tenant demo to be swept"
        );

        // The sweep that deleted them completes (and is audited) once the shared stores are swept too.
        var deleted = await Eventually.WaitForAsync(
            () =>
                pipeline.Database.ScalarAsync<long>(
                    """
                    SELECT coalesce(sum((s.deleted->>'nav_points')::bigint), 0)::bigint FROM retention_sweeps s
                    WHERE s.tenant = 'demo' AND s.completed_at IS NOT NULL
                      AND EXISTS (SELECT 1 FROM audit_entries a WHERE a.tenant = 'demo' AND a.action = 'retention.swept' AND a.target = 'retention_sweep/' || s.sweep_id)
                    """
                ),
            n => n == 20,
            TimeSpan.FromSeconds(30),
            "the audited sweeps to count the 20 points"
        );

        Assert.Equal(1, left);
        Assert.Equal(20, deleted);
    }
}
