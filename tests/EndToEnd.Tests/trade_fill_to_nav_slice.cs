using System.Net;
using System.Text.Json;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.EndToEnd.Tests;

/// <summary>
/// POST /v1/events -> Kafka -> NAV processor -> Kafka -> analytics -> GET /v1/series/{series}/nav, over real HTTP.
/// </summary>
public sealed class trade_fill_to_nav_slice(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task posted_fill_becomes_a_nav_point_in_the_query_api()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);

        var response = await pipeline.PostEventsAsync(TradeFills.Body(Guid.NewGuid(), feeMicros: 1_000_000), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var point = (await WaitForPointsAsync(pipeline, "alpha", "0001", 1)).Single();
        Assert.Equal(-1_251_000_000, point.GetProperty("cash_micros").GetInt64());
        Assert.Equal(1_250_000_000, point.GetProperty("positions_value_micros").GetInt64());
        Assert.Equal(-1_000_000, point.GetProperty("nav_micros").GetInt64());
        Assert.Equal("USD", point.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task the_same_fill_posted_twice_changes_nav_once()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var id = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(TradeFills.Body(id), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(TradeFills.Body(id), Ct)).StatusCode);
        // A second, different fill proves the processor went past both copies of the first.
        Assert.Equal(
            HttpStatusCode.Accepted,
            (
                await pipeline.PostEventsAsync(
                    TradeFills.Body(Guid.NewGuid(), side: "sell", quantity: 40, priceMicros: 13_000_000),
                    Ct
                )
            ).StatusCode
        );

        var points = await WaitForPointsAsync(pipeline, "alpha", "0001", 2);
        Assert.Equal([1L, 2L], points.Select(p => p.GetProperty("fills_applied").GetInt64()));
        // cash: -100 x 12.50 + 40 x 13.00 = -730.00; position 60 marked at 13.00 = 780.00; NAV 50.00
        Assert.Equal(-730_000_000, points[1].GetProperty("cash_micros").GetInt64());
        Assert.Equal(50_000_000, points[1].GetProperty("nav_micros").GetInt64());
        Assert.Equal(2, await pipeline.Database.CountAsync("processed_events", "consumer = 'nav-processor'"));
        Assert.Equal(2, await pipeline.Database.ScalarAsync<long>("SELECT fills_applied FROM cell_cash"));
    }

    [Fact]
    public async Task health_names_each_component_and_liveness_answers()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var live = await pipeline.Http.GetAsync("/livez", Ct);
        var health = await pipeline.Http.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct));
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        foreach (var component in new[] { "kafka", "postgres", "blob" })
            Assert.Equal(
                "ok",
                body.RootElement.GetProperty("checks").GetProperty(component).GetProperty("status").GetString()
            );
    }

    internal static async Task<List<JsonElement>> WaitForPointsAsync(
        TestPipeline pipeline,
        string series,
        string cell,
        int count
    )
    {
        var json = await Eventually.WaitForAsync(
            async () => await pipeline.Http.GetStringAsync($"/v1/series/{series}/nav?cell={cell}", Ct),
            text => JsonDocument.Parse(text).RootElement.GetProperty("data").GetArrayLength() >= count,
            Patience,
            $"{count} NAV points"
        );
        return JsonDocument.Parse(json).RootElement.GetProperty("data").EnumerateArray().ToList();
    }
}
