using System.Diagnostics;
using PitPlatform.Contracts.Telemetry;
using PitPlatform.Ingestion.Events;

namespace PitPlatform.Ingestion;

/// <summary>
/// One "send {topic}" span (kind Producer) per event of an ingest request, child of the request's span, from the
/// envelope's creation to Kafka's answer: its context is what the envelope and the Kafka headers carry, so every
/// consumer continues the event's own trace. While nobody listens, no span exists and each envelope carries the
/// request's context (the caller's traceparent continued by ASP.NET Core), which is still one trace per request.
/// </summary>
internal sealed class SendSpans
{
    private readonly Activity?[] _spans;
    private readonly Activity? _request;

    private SendSpans(int count, Activity? request)
    {
        _spans = new Activity?[count];
        _request = request;
    }

    public static SendSpans? StartIfListened(int count) =>
        PitTelemetry.Source.HasListeners() ? new SendSpans(count, Activity.Current) : null;

    /// <summary>The trace context for the envelope of event <paramref name="index"/>.</summary>
    public static (string? Traceparent, string? Tracestate) Context(
        SendSpans? spans,
        int index,
        IngestEvent e,
        string tenant
    )
    {
        var span = spans?.Start(index, e, tenant);
        var context = span ?? Activity.Current;
        return (context?.Id, context?.TraceStateString);
    }

    private Activity? Start(int index, IngestEvent e, string tenant)
    {
        var span = PitTelemetry.Source.StartActivity(PitTelemetry.SendSpan(e.Topic), ActivityKind.Producer);
        // Each span is the request's child, not the previous event's.
        Activity.Current = _request;
        if (span is null)
            return null;
        if (span.IsAllDataRequested)
        {
            // AddTag appends; the span is new, so there is nothing to replace (SetTag would search the list first).
            span.AddTag(PitTelemetry.MessagingSystem, "kafka");
            span.AddTag(PitTelemetry.MessagingOperation, "send");
            span.AddTag(PitTelemetry.Destination, e.Topic);
            span.AddTag(PitTelemetry.Tenant, tenant);
        }
        _spans[index] = span;
        return span;
    }

    /// <summary>
    /// Tags event <paramref name="index"/>'s span with the envelope's event id (its string, not another one).
    /// </summary>
    public void Built(int index, string eventId)
    {
        if (_spans[index] is { IsAllDataRequested: true } span)
            span.AddTag(PitTelemetry.MessageId, eventId);
    }

    /// <summary>Ends event <paramref name="index"/>'s span with Kafka's answer.</summary>
    public void Stop(int index, Exception? error)
    {
        if (_spans[index] is not { } span)
            return;
        if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            span.AddException(error);
        }
        span.Stop();
        Activity.Current = _request;
    }
}
