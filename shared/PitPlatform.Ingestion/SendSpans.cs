using System.Diagnostics;
using PitPlatform.Contracts.Telemetry;

namespace PitPlatform.Ingestion;

/// <summary>
/// The "send {topic}" spans of one ingest request, as OpenTelemetry's messaging conventions publish a batch: one span
/// of kind Producer per topic the request produces to, child of the request's span, from its first envelope to Kafka's
/// answer for the request. With no per-message "create" span a message's context is its publish span's, so every
/// envelope of that topic, and its Kafka headers, carry that span's context and each consumer continues it. An event
/// costs a look-up among the request's few topics and a count: no span and no allocation. While nobody listens no span
/// exists and each envelope carries the request's context (the caller's traceparent continued by ASP.NET Core).
/// </summary>
internal sealed class SendSpans
{
    private readonly Activity? _request;
    private readonly string _tenant;
    private Topic[] _topics = new Topic[2];
    private int _count;

    private SendSpans(Activity? request, string tenant)
    {
        _request = request;
        _tenant = tenant;
    }

    public static SendSpans? StartIfListened(string tenant) =>
        PitTelemetry.Source.HasListeners() ? new SendSpans(Activity.Current, tenant) : null;

    /// <summary>The trace context for an envelope to <paramref name="topic"/>.</summary>
    public static (string? Traceparent, string? Tracestate) Context(SendSpans? spans, string topic)
    {
        // Activity.Id is made once per span and kept, so every envelope of a topic shares one string.
        var context = spans is null ? Activity.Current : spans.SpanOf(topic);
        return (context?.Id, context?.TraceStateString);
    }

    /// <summary>The topic's span, or the request's when the topic's is not sampled.</summary>
    private Activity? SpanOf(string topic)
    {
        // Find before indexing: it may grow the array.
        var slot = Find(topic);
        return _topics[slot].Span ?? _request;
    }

    /// <summary>Counts an envelope built for <paramref name="topic"/>, after <see cref="Context"/>.</summary>
    public void Built(string topic, string eventId)
    {
        var slot = Find(topic);
        ref var entry = ref _topics[slot];
        if (entry.Records++ == 0)
            entry.FirstEventId = eventId;
    }

    /// <summary>Kafka's answer for one record of <paramref name="topic"/>.</summary>
    public void Answered(string topic, Exception? error)
    {
        if (error is null)
            return;
        var slot = Find(topic);
        ref var entry = ref _topics[slot];
        if (entry.Failed++ == 0)
            entry.FirstError = error;
    }

    /// <summary>Ends every span once Kafka answered for all of the request's records.</summary>
    public void Stop()
    {
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _topics[i];
            if (entry.Span is not { } span)
                continue;
            if (span.IsAllDataRequested)
            {
                span.AddTag(PitTelemetry.BatchCount, entry.Records);
                // The conventions name the message only on a span about a single one.
                if (entry.Records == 1)
                    span.AddTag(PitTelemetry.MessageId, entry.FirstEventId);
            }
            if (entry.FirstError is { } error)
            {
                span.SetStatus(ActivityStatusCode.Error, $"{entry.Failed} of {entry.Records} records failed");
                span.AddTag(PitTelemetry.ErrorType, error.GetType().FullName);
                span.AddException(error);
            }
            span.Stop();
        }
        Activity.Current = _request;
    }

    /// <summary>The topic's entry, its span started on first use. A request names one topic or a few.</summary>
    private int Find(string topic)
    {
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_topics[i].Name, topic, StringComparison.Ordinal))
                return i;
        }
        if (_count == _topics.Length)
            Array.Resize(ref _topics, _count * 2);
        _topics[_count] = new Topic { Name = topic, Span = Start(topic) };
        return _count++;
    }

    private Activity? Start(string topic)
    {
        var span = PitTelemetry.Source.StartActivity(PitTelemetry.SendSpan(topic), ActivityKind.Producer);
        // Each span is the request's child, not the previous topic's.
        Activity.Current = _request;
        if (span is { IsAllDataRequested: true })
        {
            // AddTag appends; the span is new, so there is nothing to replace (SetTag would search the list first).
            span.AddTag(PitTelemetry.MessagingSystem, "kafka");
            span.AddTag(PitTelemetry.MessagingOperation, "send");
            span.AddTag(PitTelemetry.Destination, topic);
            span.AddTag(PitTelemetry.Tenant, _tenant);
        }
        return span;
    }

    private struct Topic
    {
        public string Name;
        public Activity? Span;
        public int Records;
        public int Failed;
        public string? FirstEventId;
        public Exception? FirstError;
    }
}
