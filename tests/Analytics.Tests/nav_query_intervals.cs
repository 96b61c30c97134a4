using System.Globalization;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>
/// Downsampling: a bucket shows the last NAV of its points (NAV is a level), their min, max and count.
/// </summary>
public sealed class nav_query_intervals(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    private static readonly DateTimeOffset Day = DateTimeOffset.Parse(
        "2026-11-03T00:00:00Z",
        CultureInfo.InvariantCulture
    );

    [Theory]
    [InlineData("1m", 60)]
    [InlineData("5m", 300)]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86_400)]
    public async Task each_interval_buckets_to_the_last_nav_of_the_bucket(string interval, int seconds)
    {
        var series = AnalyticsHost.NewSeries("buckets");
        // One point every 20 s for two days, NAV a zig-zag so the last, min and max of a bucket all differ.
        var points = Enumerable
            .Range(0, 2 * 86_400 / 20)
            .Select(i => (Ts: Day.AddSeconds(20 * i), Nav: (i % 7 - 3) * 1_000_000L + i, Fills: (long)i + 1))
            .ToList();
        await host.StoreAsync(
            points.OrderByDescending(p => p.Ts).Select(p => host.Record(series, "c1", p.Ts, p.Nav, p.Fills))
        );

        var from = Day.AddHours(5).AddSeconds(10);
        var to = Day.AddHours(30);
        var (answer, _) = await host.AllPagesAsync(
            $"/v1/series/{series}/nav?interval={interval}&from={Q(from)}&to={Q(to)}&limit=10000"
        );

        // Buckets overlapping [from, to], each whole: the bucket holding from starts before it.
        var expected = points
            .GroupBy(p => DateTimeOffset.FromUnixTimeSeconds(p.Ts.ToUnixTimeSeconds() / seconds * seconds))
            .Where(g =>
                g.Key >= DateTimeOffset.FromUnixTimeSeconds(from.ToUnixTimeSeconds() / seconds * seconds) && g.Key <= to
            )
            .OrderBy(g => g.Key)
            .Select(g =>
                (Ts: g.Key, Last: g.MaxBy(p => p.Ts), Min: g.Min(p => p.Nav), Max: g.Max(p => p.Nav), Count: g.Count())
            )
            .ToList();
        Assert.Equal(expected.Count, answer.Count);
        foreach (var (e, a) in expected.Zip(answer))
        {
            Assert.Equal(e.Ts, DateTimeOffset.Parse(a.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture));
            Assert.Equal(e.Last.Nav, a.GetProperty("nav_micros").GetInt64());
            Assert.Equal(e.Last.Fills, a.GetProperty("fills_applied").GetInt64());
            Assert.Equal(
                e.Last.Ts,
                DateTimeOffset.Parse(a.GetProperty("last_ts").GetString()!, CultureInfo.InvariantCulture)
            );
            Assert.Equal(e.Min, a.GetProperty("min_nav_micros").GetInt64());
            Assert.Equal(e.Max, a.GetProperty("max_nav_micros").GetInt64());
            Assert.Equal(e.Count, a.GetProperty("points").GetInt64());
        }
    }

    [Fact]
    public async Task the_last_point_of_a_bucket_is_the_latest_even_when_it_arrives_first()
    {
        var series = AnalyticsHost.NewSeries("late");
        var t = DateTimeOffset.Parse("2026-11-03T10:00:00Z", CultureInfo.InvariantCulture);
        await host.StoreAsync([host.Record(series, "c1", t.AddSeconds(50), 3_000_000, 3)]);
        await host.StoreAsync([
            host.Record(series, "c1", t.AddSeconds(10), 1_000_000, 1),
            host.Record(series, "c1", t.AddSeconds(30), 9_000_000, 2),
        ]);

        var point = (await host.GetAsync($"/v1/series/{series}/nav?interval=1m")).Data.EnumerateArray().Single();

        Assert.Equal(3_000_000, point.GetProperty("nav_micros").GetInt64());
        Assert.Equal(1_000_000, point.GetProperty("min_nav_micros").GetInt64());
        Assert.Equal(9_000_000, point.GetProperty("max_nav_micros").GetInt64());
        Assert.Equal(3, point.GetProperty("points").GetInt64());
    }

    [Theory]
    [InlineData("2026-11-03T00:00:00Z", "2026-11-03T12:00:00Z", "1m")] // 720 minutes
    [InlineData("2026-11-03T00:00:00Z", "2026-11-04T00:00:00Z", "5m")] // 1,440 minutes, 288 five-minute buckets
    [InlineData("2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z", "15m")] // 672 quarter-hours
    [InlineData("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "1h")] // 720 hours
    [InlineData("2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", "1d")] // 8,736 hours, 364 days
    public async Task auto_picks_the_finest_interval_under_a_thousand_points_per_cell(
        string from,
        string to,
        string expected
    )
    {
        var answer = await host.GetAsync(
            $"/v1/series/{AnalyticsHost.NewSeries("auto")}/nav?interval=auto&from={from}&to={to}"
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal(expected, answer.Meta.GetProperty("interval").GetString());
    }

    [Fact]
    public async Task auto_without_a_range_uses_the_span_of_the_points()
    {
        var series = AnalyticsHost.NewSeries("auto-span");
        var start = DateTimeOffset.Parse("2026-11-03T00:00:00Z", CultureInfo.InvariantCulture);
        await host.StoreAsync([
            host.Record(series, "c1", start, 1, 1),
            host.Record(series, "c1", start.AddDays(5), 2, 2),
        ]);

        // 5 days: 1,440 five-minute buckets, 480 quarter-hours.
        Assert.Equal(
            "15m",
            (await host.GetAsync($"/v1/series/{series}/nav?interval=auto")).Meta.GetProperty("interval").GetString()
        );
        Assert.Equal(
            "1m",
            (await host.GetAsync($"/v1/series/{series}/nav?interval=auto&from={Q(start.AddDays(5).AddHours(-2))}"))
                .Meta.GetProperty("interval")
                .GetString()
        );
    }

    [Fact]
    public async Task raw_is_the_default_and_keeps_every_point()
    {
        var series = AnalyticsHost.NewSeries("raw");
        var t = DateTimeOffset.Parse("2026-11-03T10:00:00Z", CultureInfo.InvariantCulture);
        await host.StoreAsync(Enumerable.Range(0, 5).Select(i => host.Record(series, "c1", t.AddSeconds(i), i, i + 1)));

        var answer = await host.GetAsync($"/v1/series/{series}/nav");

        Assert.Equal("raw", answer.Meta.GetProperty("interval").GetString());
        Assert.Equal(
            [0L, 1, 2, 3, 4],
            answer.Data.EnumerateArray().Select(p => p.GetProperty("nav_micros").GetInt64())
        );
        Assert.All(answer.Data.EnumerateArray(), p => Assert.False(p.TryGetProperty("points", out _)));
    }

    private static string Q(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O"));
}
