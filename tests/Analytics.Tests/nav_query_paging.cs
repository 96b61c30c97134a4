using System.Globalization;
using System.Text.Json;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>
/// Paging: every point exactly once, in (ts, cell, currency) order, and tokens that fit only their own query.
/// </summary>
public sealed class nav_query_paging(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse(
        "2026-11-02T00:00:00Z",
        CultureInfo.InvariantCulture
    );

    /// <summary>3 cells, 2 currencies for one of them, 40 minutes, several points sharing a ts: 200 points.</summary>
    private async Task<string> SeedAsync()
    {
        var series = AnalyticsHost.NewSeries("paging");
        var records = new List<PitPlatform.Contracts.Consuming.ConsumedRecord>();
        for (var minute = 0; minute < 40; minute++)
        {
            var ts = Start.AddMinutes(minute);
            foreach (var cell in new[] { "c2", "c1", "c3" })
                records.Add(host.Record(series, cell, ts, 1_000_000L * minute, minute + 1));
            records.Add(host.Record(series, "c1", ts, -5L * minute, minute + 1, currency: "EUR"));
            records.Add(host.Record(series, "c2", ts.AddSeconds(30), 7L * minute, minute + 100));
        }
        await host.StoreAsync(records.OrderBy(_ => Guid.NewGuid()));
        return series;
    }

    private static (string, string, string, long) Key(JsonElement p) =>
        (
            p.GetProperty("ts").GetString()!,
            p.GetProperty("cell").GetString()!,
            p.GetProperty("currency").GetString()!,
            p.GetProperty("fills_applied").GetInt64()
        );

    [Fact]
    public async Task raw_paging_walks_every_point_once_and_in_order()
    {
        var series = await SeedAsync();
        var (one, _) = await host.AllPagesAsync($"/v1/series/{series}/nav?limit=10000");
        var (paged, pages) = await host.AllPagesAsync($"/v1/series/{series}/nav?limit=7");

        Assert.Equal(200, one.Count);
        Assert.Equal(29, pages); // 200 points by 7: 28 full pages and one of 4
        Assert.Equal(one.Select(Key), paged.Select(Key));
        Assert.Equal(200, paged.Select(Key).Distinct().Count());
        var ordered = paged
            .Select(p =>
                (
                    DateTimeOffset.Parse(p.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture),
                    p.GetProperty("cell").GetString()!,
                    p.GetProperty("currency").GetString()!
                )
            )
            .OrderBy(k => k.Item1)
            .ThenBy(k => k.Item2, StringComparer.Ordinal)
            .ThenBy(k => k.Item3, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            ordered,
            paged.Select(p =>
                (
                    DateTimeOffset.Parse(p.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture),
                    p.GetProperty("cell").GetString()!,
                    p.GetProperty("currency").GetString()!
                )
            )
        );
    }

    [Fact]
    public async Task bucketed_paging_walks_every_bucket_once_and_in_order()
    {
        var series = await SeedAsync();
        var (paged, pages) = await host.AllPagesAsync($"/v1/series/{series}/nav?interval=5m&limit=3");

        // 8 five-minute buckets x (c1 USD, c1 EUR, c2 USD, c3 USD)
        Assert.Equal(32, paged.Count);
        Assert.Equal(11, pages);
        var keys = paged
            .Select(p =>
                (
                    p.GetProperty("ts").GetString()!,
                    p.GetProperty("cell").GetString()!,
                    p.GetProperty("currency").GetString()!
                )
            )
            .ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Equal(
            keys.OrderBy(k => DateTimeOffset.Parse(k.Item1, CultureInfo.InvariantCulture))
                .ThenBy(k => k.Item2, StringComparer.Ordinal)
                .ThenBy(k => k.Item3, StringComparer.Ordinal),
            keys
        );
    }

    [Fact]
    public async Task the_last_page_has_no_next_token_and_a_full_answer_needs_none()
    {
        var series = await SeedAsync();
        var answer = await host.GetAsync($"/v1/series/{series}/nav?cell=c3");

        Assert.Equal(40, answer.Meta.GetProperty("count").GetInt32());
        Assert.False(answer.Meta.TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task a_changed_page_token_is_refused()
    {
        var series = await SeedAsync();
        var token = (await host.GetAsync($"/v1/series/{series}/nav?limit=5"))
            .Meta.GetProperty("next_page_token")
            .GetString()!;
        var forged = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];

        foreach (var bad in new[] { forged, token[..^2], token + "AA", "not-a-token", "%%%" })
        {
            var answer = await host.GetAsync($"/v1/series/{series}/nav?limit=5&page_token={Uri.EscapeDataString(bad)}");
            Assert.Equal(400, answer.Status);
            Assert.Equal("ERR_VALIDATION", answer.ErrorCode);
            Assert.Equal("page_token", answer.ErrorParameter);
        }
    }

    [Fact]
    public async Task a_page_token_of_another_query_is_refused()
    {
        var series = await SeedAsync();
        var token = Uri.EscapeDataString(
            (await host.GetAsync($"/v1/series/{series}/nav?limit=5&cell=c1"))
                .Meta.GetProperty("next_page_token")
                .GetString()!
        );

        foreach (
            var other in new[]
            {
                "cell=c2",
                "",
                "cell=c1&currency=USD",
                "cell=c1&interval=1m",
                "cell=c1&from=2026-11-02T00:00:00Z",
                "cell=c1&to=2026-12-01T00:00:00Z",
            }
        )
        {
            var answer = await host.GetAsync($"/v1/series/{series}/nav?limit=5&{other}&page_token={token}");
            Assert.True(answer.Status == 400, $"{other}: {answer.Text}");
            Assert.Equal("page_token", answer.ErrorParameter);
        }
        var sameQueryOtherLimit = await host.GetAsync($"/v1/series/{series}/nav?limit=50&cell=c1&page_token={token}");
        Assert.Equal(200, sameQueryOtherLimit.Status);
    }

    [Fact]
    public async Task a_page_token_of_another_tenant_is_refused()
    {
        var series = await SeedAsync();
        var token = Uri.EscapeDataString(
            (await host.GetAsync($"/v1/series/{series}/nav?limit=5")).Meta.GetProperty("next_page_token").GetString()!
        );
        var otherKey = (await host.KeyAsync("paging-other-tenant")).ToString();

        var answer = await host.GetAsync($"/v1/series/{series}/nav?limit=5&page_token={token}", otherKey);

        Assert.Equal(400, answer.Status);
        Assert.Equal("page_token", answer.ErrorParameter);
    }
}
