using System.Diagnostics;
using System.Net;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Hosting;
using PitPlatform.Observability.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Observability.Tests.Tracing;

/// <summary>
/// A caller's trace continues through ingest, Kafka, the NAV processor, the NAV update topic and the analytics
/// consumer, usage and archive: every span and every JSON log line on the event's path carries the caller's trace id.
/// </summary>
public sealed class one_trace_per_event(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task one_fill_is_one_trace_from_ingest_to_analytics()
    {
        using var spans = new RecordedSpans();
        var logs = new JsonLogLines();
        await using var pipeline = await TestPipeline.StartAsync(
            await postgres.CreateDatabaseAsync(migrate: false),
            kafka,
            blob,
            settings: new Dictionary<string, string?>
            {
                [SettingNames.LogFormat] = "json",
                // The consumers log each batch at Debug: enough to see their lines carry the event's trace.
                ["Logging:LogLevel:PitPlatform.Processing"] = "Debug",
            },
            logging: logs.Capture
        );
        var trace = ActivityTraceId.CreateRandom();
        var series = Fills.NewSeries("trace");
        var eventId = Guid.NewGuid();

        using var caller = new TraceCaller(pipeline);
        using var response = await caller.PostEventsAsync(Fills.One(series, eventId), trace, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.WaitForAsync(
            () => pipeline.Database.CountAsync("nav_points", $"series = '{series}'"),
            n => n == 1,
            TimeSpan.FromSeconds(60),
            "the NAV point stored by the analytics consumer"
        );
        // A consumer's span ends just after its write; usage and archive gather their batches for up to 1 s and 5 s.
        string[] consumers = ["nav-processor", "nav-analytics", "usage-aggregator", "archiver"];
        await Eventually.WaitForAsync(
            () =>
                Task.FromResult(
                    consumers.All(c => spans.InTrace(trace).Any(s => s.DisplayName == PitTelemetry.ProcessSpan(c)))
                ),
            found => found,
            TimeSpan.FromSeconds(30),
            "every consumer's span in the caller's trace"
        );

        var inTrace = spans.InTrace(trace).ToList();
        var names = string.Join(", ", inTrace.Select(s => s.DisplayName));
        var ingest = Assert.Single(inTrace, s =>
            s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
        );
        var send = Assert.Single(inTrace, s => s.DisplayName == PitTelemetry.SendSpan("pit.v1.exec.trade_fill"));
        Assert.Equal(ingest.SpanId, send.ParentSpanId);
        // A request of one event: its send span is about that one message, so it names it.
        Assert.Equal(1, send.GetTagItem(PitTelemetry.BatchCount));
        Assert.Equal(eventId.ToString("D"), send.GetTagItem(PitTelemetry.MessageId));
        Assert.Equal("demo", send.GetTagItem(PitTelemetry.Tenant));
        var nav = Assert.Single(inTrace, s => s.DisplayName == PitTelemetry.ProcessSpan("nav-processor"));
        Assert.Equal(ActivityKind.Consumer, nav.Kind);
        Assert.Equal(send.SpanId, nav.ParentSpanId);
        Assert.Contains(nav.Links, l => l.Context.SpanId == send.SpanId);
        var analytics = Assert.Single(inTrace, s => s.DisplayName == PitTelemetry.ProcessSpan("nav-analytics"));
        // The NAV update carries the fill's context, so analytics continues the same event's trace.
        Assert.Equal(send.SpanId, analytics.ParentSpanId);
        Assert.True(inTrace.Count >= 4, names);

        var lines = logs.Parsed()
            .Where(l => l.TryGetProperty("trace_id", out var t) && t.GetString() == trace.ToHexString())
            .ToList();
        var all = string.Join('\n', logs.Lines);
        var ingestLine = Assert.Single(lines, l =>
            l.GetProperty("category").GetString() == "PitPlatform.Ingestion.IngestEventsHandler"
        );
        Assert.Equal("demo", ingestLine.GetProperty("tenant").GetString());
        Assert.False(string.IsNullOrEmpty(ingestLine.GetProperty("request_id").GetString()));
        Assert.Equal("info", ingestLine.GetProperty("level").GetString());
        Assert.Equal("pit-local-host", ingestLine.GetProperty("service").GetString());
        Assert.Contains(lines, l =>
            l.GetProperty("category").GetString() == "PitPlatform.Processing.Nav.NavProcessor"
            && l.GetProperty("span_id").GetString() == nav.SpanId.ToHexString()
        );
        Assert.True(
            lines.Any(l =>
                l.GetProperty("category").GetString() == "PitPlatform.Processing.Nav.NavAnalyticsConsumer"
                && l.GetProperty("span_id").GetString() == analytics.SpanId.ToHexString()
            ),
            all
        );
    }
}
