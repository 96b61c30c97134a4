using System.Diagnostics;
using System.Net;
using System.Text;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Infrastructure.Kafka;
using PitPlatform.Observability.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Observability.Tests.Tracing;

/// <summary>
/// Ingest publishes a request's events as a batch (OpenTelemetry messaging conventions): one "send {topic}" span per
/// topic, whose context every one of those events carries, and no span per event.
/// </summary>
public sealed class send_spans(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private const string Fills = "pit.v1.exec.trade_fill";
    private const string LlmCalls = "pit.v1.runtime.llm_call";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task one_request_makes_one_send_span_per_topic()
    {
        using var spans = new RecordedSpans();
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var trace = ActivityTraceId.CreateRandom();

        using var caller = new TraceCaller(pipeline);
        using var response = await caller.PostEventsAsync(Body(fills: 3, llmCalls: 2), trace, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var inTrace = spans.InTrace(trace).ToList();
        var ingest = Assert.Single(inTrace, s => s.Kind == ActivityKind.Server);
        var ours = inTrace.Where(s => s.Source.Name == PitTelemetry.SourceName).ToList();
        Assert.Equal(2, ours.Count);
        foreach (var (topic, count) in new[] { (Fills, 3), (LlmCalls, 2) })
        {
            var send = Assert.Single(ours, s => s.DisplayName == PitTelemetry.SendSpan(topic));
            Assert.Equal(ActivityKind.Producer, send.Kind);
            Assert.Equal(ingest.SpanId, send.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Unset, send.Status);
            Assert.Equal("kafka", send.GetTagItem(PitTelemetry.MessagingSystem));
            Assert.Equal("send", send.GetTagItem(PitTelemetry.MessagingOperation));
            Assert.Equal(topic, send.GetTagItem(PitTelemetry.Destination));
            Assert.Equal(count, send.GetTagItem(PitTelemetry.BatchCount));
            Assert.Equal("demo", send.GetTagItem(PitTelemetry.Tenant));
            // Only a span about a single message names it.
            Assert.Null(send.GetTagItem(PitTelemetry.MessageId));
        }
    }

    [Fact]
    public async Task every_event_of_a_request_carries_its_send_span_context()
    {
        using var spans = new RecordedSpans();
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var trace = ActivityTraceId.CreateRandom();

        using var caller = new TraceCaller(pipeline);
        using var response = await caller.PostEventsAsync(Body(fills: 3, llmCalls: 2), trace, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var (topic, count) in new[] { (Fills, 3), (LlmCalls, 2) })
        {
            var send = Assert.Single(spans.InTrace(trace), s => s.DisplayName == PitTelemetry.SendSpan(topic));
            var records = TopicReader.ReadAll(pipeline.Kafka, topic, count, TimeSpan.FromSeconds(30));
            Assert.Equal(count, records.Count);
            Assert.All(records, r =>
            {
                Assert.Equal(send.Id, EventEnvelope.Parser.ParseFrom(r.Message.Value).Traceparent);
                Assert.Equal(send.Id, Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("traceparent")));
            });
        }
    }

    [Fact]
    public async Task a_failed_record_marks_its_send_span_as_error()
    {
        using var spans = new RecordedSpans();
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var trace = ActivityTraceId.CreateRandom();
        // Under the body limit, over Kafka's per-record limit once enveloped: refused by the producer, not the parser.
        var text = string.Concat(Enumerable.Repeat("\U0001F600", 262_144));
        var big =
            "{\"type\":\"runtime.llm_call\",\"series\":\"s\",\"payload\":{\"model\":\"m\",\"input_tokens\":1,"
            + $"\"output_tokens\":1,\"prompt\":\"{text}\",\"response\":\"{text}\"}}}}";

        using var caller = new TraceCaller(pipeline);
        using var response = await caller.PostEventsAsync($"{{\"data\":[{LlmCall},{big},{LlmCall}]}}", trace, Ct);

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        var send = Assert.Single(spans.InTrace(trace), s => s.DisplayName == PitTelemetry.SendSpan(LlmCalls));
        Assert.Equal(ActivityStatusCode.Error, send.Status);
        Assert.Equal("1 of 3 records failed", send.StatusDescription);
        Assert.Equal(3, send.GetTagItem(PitTelemetry.BatchCount));
        Assert.Equal(typeof(EnvelopeTooLargeException).FullName, send.GetTagItem(PitTelemetry.ErrorType));
        Assert.Single(send.Events, e => e.Name == "exception");
    }

    private const string LlmCall =
        """{"type":"runtime.llm_call","series":"s","payload":{"model":"m","input_tokens":1,"output_tokens":1}}""";

    private static string Fill() =>
        $$$"""
            {"type":"exec.trade_fill","event_id":"{{{Guid.NewGuid()}}}","ts":"2026-11-22T09:30:00Z","series":"send","cell":"0001",
              "payload":{"instrument":"ACME","side":"buy","quantity":100,"price_micros":12500000,"currency":"USD","fee_micros":0}}
            """;

    /// <summary>Fills and LLM calls interleaved, so a topic's events are not all neighbours.</summary>
    private static string Body(int fills, int llmCalls) =>
        "{\"data\":["
        + string.Join(
            ',',
            Enumerable
                .Range(0, Math.Max(fills, llmCalls))
                .SelectMany(i => (i < fills ? [Fill()] : Array.Empty<string>()).Concat(i < llmCalls ? [LlmCall] : []))
        )
        + "]}";
}
