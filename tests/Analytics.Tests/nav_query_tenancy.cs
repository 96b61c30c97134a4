using System.Globalization;
using PitPlatform.Access.ApiKeys;
using Xunit;

namespace PitPlatform.Analytics.Tests;

/// <summary>The tenant comes from the key: another tenant's key never sees a point, in JSON or in the chart.</summary>
public sealed class nav_query_tenancy(AnalyticsHost host) : IClassFixture<AnalyticsHost>
{
    [Fact]
    public async Task another_tenants_key_sees_nothing_of_the_series()
    {
        var series = AnalyticsHost.NewSeries("tenancy");
        var t = DateTimeOffset.Parse("2026-11-05T09:00:00Z", CultureInfo.InvariantCulture);
        await host.StoreAsync(
            Enumerable.Range(0, 10).Select(i => host.Record(series, "c1", t.AddMinutes(i), 1_000_000 * i, i + 1))
        );
        var other = (await host.KeyAsync("tenancy-other")).ToString();

        foreach (var interval in new[] { "raw", "1m", "1h", "auto" })
        {
            Assert.NotEqual(
                0,
                (await host.GetAsync($"/v1/series/{series}/nav?interval={interval}")).Data.GetArrayLength()
            );
            var theirs = await host.GetAsync($"/v1/series/{series}/nav?interval={interval}", other);
            Assert.Equal(200, theirs.Status);
            Assert.Equal(0, theirs.Data.GetArrayLength());
        }
        var chart = await host.GetAsync($"/v1/series/{series}/nav.svg", other);
        Assert.Equal(200, chart.Status);
        Assert.Contains("No NAV points", chart.Text);
        Assert.DoesNotContain("<polyline", chart.Text);
    }

    [Fact]
    public async Task each_tenant_sees_only_its_own_points_of_a_shared_series_name()
    {
        var series = AnalyticsHost.NewSeries("shared-name");
        var t = DateTimeOffset.Parse("2026-11-05T09:00:00Z", CultureInfo.InvariantCulture);
        await host.StoreAsync([
            host.Record(series, "c1", t, 111, 1),
            host.Record(series, "c1", t, 222, 1, tenant: "tenancy-b"),
        ]);
        var keyB = (await host.KeyAsync("tenancy-b")).ToString();

        Assert.Equal(
            111,
            (await host.GetAsync($"/v1/series/{series}/nav"))
                .Data.EnumerateArray()
                .Single()
                .GetProperty("nav_micros")
                .GetInt64()
        );
        Assert.Equal(
            222,
            (await host.GetAsync($"/v1/series/{series}/nav", keyB))
                .Data.EnumerateArray()
                .Single()
                .GetProperty("nav_micros")
                .GetInt64()
        );
        Assert.Equal(
            222,
            (await host.GetAsync($"/v1/series/{series}/nav?interval=1d", keyB))
                .Data.EnumerateArray()
                .Single()
                .GetProperty("nav_micros")
                .GetInt64()
        );
    }

    [Theory]
    [InlineData("nav")]
    [InlineData("nav.svg")]
    public async Task a_key_without_the_read_scope_is_refused(string route)
    {
        var ingestOnly = (await host.KeyAsync("demo", ApiKeyScope.Ingest)).ToString();

        var answer = await host.GetAsync($"/v1/series/alpha/{route}", ingestOnly);

        Assert.Equal(403, answer.Status);
        Assert.Equal("ERR_FORBIDDEN", answer.ErrorCode);
    }
}
