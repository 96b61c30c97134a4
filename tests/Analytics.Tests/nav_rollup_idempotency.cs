using System.Globalization;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>
/// A redelivered NAV update changes neither nav_points nor any rollup (the trigger sees only new rows).
/// </summary>
public sealed class nav_rollup_idempotency(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    [Fact]
    public async Task a_redelivered_point_leaves_the_rollups_unchanged()
    {
        var series = AnalyticsHost.NewSeries("redelivery");
        var t = DateTimeOffset.Parse("2026-11-04T09:00:00Z", CultureInfo.InvariantCulture);
        var batch = Enumerable
            .Range(0, 300)
            .Select(i => host.Record(series, $"c{i % 3}", t.AddSeconds(7 * i), 1_000L * (i % 11), i + 1))
            .ToList();
        await host.StoreAsync(batch);
        var before = await SnapshotAsync(series);

        await host.StoreAsync(batch); // the whole batch again
        await host.StoreAsync([batch[42], batch[42], batch[7]]); // single records, one twice in a batch
        await host.StoreAsync(batch.AsEnumerable().Reverse()); // again, in another order

        Assert.Equal(300, await host.Pipeline.Database.CountAsync("nav_points", $"series = '{series}'"));
        Assert.Equal(before, await SnapshotAsync(series));
        Assert.Equal(
            5 * 300,
            await host.Pipeline.Database.ScalarAsync<long>(
                $"SELECT sum(points)::bigint FROM nav_rollups WHERE series = '{series}'"
            )
        );
    }

    [Fact]
    public async Task a_redelivered_point_is_not_counted_twice_in_its_bucket()
    {
        var series = AnalyticsHost.NewSeries("recount");
        var t = DateTimeOffset.Parse("2026-11-04T09:00:00Z", CultureInfo.InvariantCulture);
        var record = host.Record(series, "c1", t, 5_000_000, 1);
        await host.StoreAsync([record]);
        await host.StoreAsync([record]);

        var point = (await host.GetAsync($"/v1/series/{series}/nav?interval=1h")).Data.EnumerateArray().Single();

        Assert.Equal(1, point.GetProperty("points").GetInt64());
        Assert.Equal(5_000_000, point.GetProperty("nav_micros").GetInt64());
    }

    private async Task<string> SnapshotAsync(string series) =>
        await host.Pipeline.Database.ScalarAsync<string>(
            $"""
            SELECT string_agg(concat_ws(',', bucket_seconds, bucket, cell, currency, last_ts, last_fills_applied, last_event_id, nav_micros,
                                        cash_micros, positions_value_micros, min_nav_micros, max_nav_micros, points), ';'
                              ORDER BY bucket_seconds, bucket, cell, currency)
            FROM nav_rollups WHERE series = '{series}'
            """
        );
}
