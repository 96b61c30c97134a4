using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Observability.Tests.Support;
using Xunit;

namespace PitPlatform.Observability.Tests.Tracing;

/// <summary>How a consumer batch's spans continue its records' traces (ObservedBatches, both hosts).</summary>
public sealed class consumer_spans
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_batch_of_one_continues_the_trace_its_envelope_carries_even_without_headers()
    {
        using var spans = new RecordedSpans();
        var producer = new ActivityContext(
            ActivityTraceId.CreateRandom(),
            ActivitySpanId.CreateRandom(),
            ActivityTraceFlags.Recorded
        );
        var envelope = new EventEnvelope
        {
            EventId = Guid.NewGuid().ToString("D"),
            Traceparent = Traceparent(producer),
            Tracestate = "pit=1",
        };
        var handler = new Recording("spans-" + Guid.NewGuid().ToString("N")[..8]);

        await handler.HandleObservedAsync([Record(envelope.ToByteArray(), [])], TimeProvider.System, Ct);

        var batch = Assert.Single(spans.Spans, s => s.DisplayName == PitTelemetry.ProcessSpan(handler.ConsumerGroup));
        Assert.Equal(ActivityKind.Consumer, batch.Kind);
        Assert.Equal(producer.TraceId, batch.TraceId);
        Assert.Equal(producer.SpanId, batch.ParentSpanId);
        Assert.Equal("pit=1", batch.TraceStateString);
        Assert.Equal(producer.SpanId, Assert.Single(batch.Links).Context.SpanId);
        Assert.Same(batch, handler.Current);
    }

    [Fact]
    public async Task a_batch_from_two_traces_links_both_and_gives_each_record_a_span_in_its_own_trace()
    {
        using var spans = new RecordedSpans();
        var first = new ActivityContext(
            ActivityTraceId.CreateRandom(),
            ActivitySpanId.CreateRandom(),
            ActivityTraceFlags.Recorded
        );
        var second = new ActivityContext(
            ActivityTraceId.CreateRandom(),
            ActivitySpanId.CreateRandom(),
            ActivityTraceFlags.Recorded
        );
        var handler = new Recording("spans-" + Guid.NewGuid().ToString("N")[..8]);

        await handler.HandleObservedAsync(
            [
                Record([1], [new("traceparent", Encoding.ASCII.GetBytes(Traceparent(first)))]),
                Record([2], [new("traceparent", Encoding.ASCII.GetBytes(Traceparent(second)))]),
            ],
            TimeProvider.System,
            Ct
        );

        var mine = spans.Spans.Where(s => s.DisplayName == PitTelemetry.ProcessSpan(handler.ConsumerGroup)).ToList();
        var batch = Assert.Single(mine, s => s.Links.Count() == 2);
        Assert.Same(batch, handler.Current);
        Assert.NotEqual(first.TraceId, batch.TraceId);
        Assert.NotEqual(second.TraceId, batch.TraceId);
        Assert.Equal(first.SpanId, Assert.Single(mine, s => s.TraceId == first.TraceId).ParentSpanId);
        Assert.Equal(second.SpanId, Assert.Single(mine, s => s.TraceId == second.TraceId).ParentSpanId);
        // Each record's span covers the batch's time, though it is made when the batch ends.
        Assert.All(mine, s => Assert.Equal(batch.StartTimeUtc, s.StartTimeUtc));
        Assert.All(mine, s =>
            Assert.True(s.StartTimeUtc + s.Duration >= batch.StartTimeUtc + batch.Duration - TimeSpan.FromSeconds(1))
        );
    }

    [Fact]
    public async Task a_failed_batch_ends_its_spans_as_errors_and_restores_the_current_span()
    {
        using var spans = new RecordedSpans();
        var handler = new Recording("spans-" + Guid.NewGuid().ToString("N")[..8]) { Fails = true };
        var before = Activity.Current;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            handler.HandleObservedAsync([Record([1], [])], TimeProvider.System, Ct)
        );

        var batch = Assert.Single(spans.Spans, s => s.DisplayName == PitTelemetry.ProcessSpan(handler.ConsumerGroup));
        Assert.Equal(ActivityStatusCode.Error, batch.Status);
        Assert.Contains(batch.Events, e => e.Name == "exception");
        Assert.Same(before, Activity.Current);
    }

    private static string Traceparent(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-01";

    private static ConsumedRecord Record(byte[] value, KeyValuePair<string, byte[]>[] headers) =>
        new("pit.v1.exec.trade_fill", 0, 1, null, value, DateTimeOffset.UtcNow, headers);

    private sealed class Recording(string group) : IRecordBatchHandler
    {
        public string ConsumerGroup => group;
        public IReadOnlyList<string> Topics => ["pit.v1.exec.trade_fill"];
        public bool Fails { get; init; }
        public Activity? Current { get; private set; }

        public Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
        {
            Current = Activity.Current;
            return Fails ? throw new InvalidOperationException("handler failed") : Task.CompletedTask;
        }
    }
}
