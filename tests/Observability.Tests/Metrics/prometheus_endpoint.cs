using System.Net;
using System.Text;
using PitPlatform.Observability.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Observability.Tests.Metrics;

/// <summary>
/// GET /metrics on the local host: Prometheus text format with the platform's series (docs/DEPLOYMENT.md, "Metrics").
/// </summary>
public sealed class prometheus_endpoint(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task metrics_serves_prometheus_text_with_the_platform_series_after_an_ingest()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var series = Fills.NewSeries("prom");
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(Fills.One(series), Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (
                await pipeline.Http.PostAsync(
                    "/v1/events",
                    new StringContent("{\"data\": [", Encoding.UTF8, "application/json"),
                    Ct
                )
            ).StatusCode
        );
        await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("nav_points", $"series = '{series}'"),
            n => n == 1,
            TimeSpan.FromSeconds(60),
            "the fill's NAV point"
        );

        using var anonymous = new HttpClient { BaseAddress = pipeline.Host.BaseAddress };
        string[] expected =
        [
            "pit_ingest_events_total{",
            "outcome=\"accepted\"",
            "type=\"pit.v1.exec.trade_fill\"",
            "pit_errors_total{",
            "code=\"ERR_MALFORMED_JSON\"",
            "pit_consumer_batch_duration_ms",
            "pit_consumer_record_age_ms",
            "pit_consumer_record_age_at_end_ms",
            "pit_consumer_lag{",
            "pit_consumer_lag_seconds{",
            "consumer_group=\"nav-processor\"",
            // librdkafka reports statistics every 5 s.
            "pit_kafka_producer_queue_depth{",
            "dotnet_gc_collections_total",
            "http_server_request_duration_seconds",
        ];
        var text = await Eventually.WaitForAsync(
            async () =>
            {
                using var response = await anonymous.GetAsync("/metrics", Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.StartsWith(
                    "text/plain",
                    response.Content.Headers.ContentType?.MediaType,
                    StringComparison.Ordinal
                );
                return await response.Content.ReadAsStringAsync(Ct);
            },
            body => expected.All(s => body.Contains(s, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "every platform series on /metrics"
        );
        Assert.Contains("# TYPE pit_ingest_events_total counter", text, StringComparison.Ordinal);
    }
}
