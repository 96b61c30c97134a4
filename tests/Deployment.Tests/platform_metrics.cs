using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using PitPlatform.Contracts;
using PitPlatform.Testing;

namespace PitPlatform.Deployment.Tests;

/// <summary>
/// The metrics the alerts and the workbook in bicep/ query are emitted by the shared code, whichever host runs it
/// (the Functions app forwards them to Application Insights under the same names).
/// </summary>
public sealed class platform_metrics(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_fill_produces_ingest_lag_batch_duration_and_nav_metrics_with_their_tags()
    {
        var series = $"metrics{Guid.NewGuid():N}"[..16];
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PitMetrics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>(
            (i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags)))
        );
        listener.SetMeasurementEventCallback<double>(
            (i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags)))
        );
        listener.Start();

        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob);
        var body = $$$"""
            {"data":[{"type":"exec.trade_fill","event_id":"{{{Guid.NewGuid()}}}","ts":"2026-11-22T09:30:00Z","series":"{{{series}}}","cell":"0001",
              "payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":1000000}}]}
            """;
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.PostEventsAsync(body, Ct)).StatusCode);

        var nav = await Eventually.WaitForAsync(
            () =>
                Task.FromResult(
                    measurements.FirstOrDefault(m =>
                        m.Name == "pit.nav.value_micros" && m.Tags.GetValueOrDefault("series") == series
                    )
                ),
            m => m.Name is not null,
            TimeSpan.FromSeconds(60),
            "NAV metric recorded"
        );
        Assert.Equal(-1_000_000, nav.Value);
        Assert.Equal("demo", nav.Tags["tenant"]);
        Assert.Equal("0001", nav.Tags["cell"]);
        Assert.Equal("USD", nav.Tags["currency"]);

        Assert.Contains(measurements, m => m.Name == "pit.ingest.events" && m.Tags["outcome"] == "accepted");
        Assert.Contains(measurements, m =>
            m.Name == "pit.consumer.record_age_ms" && m.Tags["consumer_group"] == "nav-processor" && m.Value >= 0
        );
        // The batch's duration is recorded when its handler returns, just after the NAV it committed.
        await Eventually.WaitForAsync(
            () =>
                Task.FromResult(
                    measurements.Any(m =>
                        m.Name == "pit.consumer.batch_duration_ms"
                        && m.Tags["consumer_group"] == "nav-processor"
                        && m.Tags["outcome"] == "ok"
                    )
                ),
            found => found,
            TimeSpan.FromSeconds(30),
            "batch duration recorded"
        );
    }

    private static Dictionary<string, string?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string?>();
        foreach (var tag in tags)
            result[tag.Key] = tag.Value?.ToString();
        return result;
    }
}
