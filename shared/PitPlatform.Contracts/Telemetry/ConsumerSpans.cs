using System.Diagnostics;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Contracts.Telemetry;

/// <summary>
/// A consumer batch's spans (OpenTelemetry messaging conventions): one "process {group}" span of kind Consumer for the
/// batch, linked to every record's producer context, and the handler runs under it. When all records come from one
/// trace (a batch of one, the latency case) the batch span continues that trace, so the handler's spans and log lines
/// carry the event's trace id; otherwise it starts a trace of its own and each record whose context it does not
/// continue gets a "process {group}" span of its own, parented to the record's context and covering the batch's time,
/// so every event's trace shows the consumer's work on it. Those record spans are made when the batch ends, dated from
/// its start: a replay batch of thousands would otherwise keep thousands of live spans through the handler, old
/// enough by its end to be promoted by the collector, which cost more than making them.
/// </summary>
internal sealed class ConsumerSpans
{
    /// <summary>
    /// Links per batch span: enough to follow a latency batch, bounded for a replay batch of thousands.
    /// </summary>
    private const int MaxLinks = 128;

    private readonly string _group;
    private readonly IReadOnlyList<ConsumedRecord> _batch;
    private readonly Activity _batchSpan;
    private readonly ActivityContext[] _contexts;
    private readonly ActivityContext _parent;
    private readonly Activity? _previous;
    private Exception? _failure;

    private ConsumerSpans(
        string group,
        IReadOnlyList<ConsumedRecord> batch,
        Activity batchSpan,
        ActivityContext[] contexts,
        ActivityContext parent,
        Activity? previous
    )
    {
        _group = group;
        _batch = batch;
        _batchSpan = batchSpan;
        _contexts = contexts;
        _parent = parent;
        _previous = previous;
    }

    /// <summary>Null, at the cost of one check, when nobody listens or the batch span is not sampled.</summary>
    public static ConsumerSpans? Start(string group, IReadOnlyList<ConsumedRecord> batch)
    {
        if (!PitTelemetry.Source.HasListeners())
            return null;
        var contexts = new ActivityContext[batch.Count];
        var any = false;
        var oneTrace = true;
        ActivityTraceId trace = default;
        for (var i = 0; i < batch.Count; i++)
        {
            if (!RecordTraceContext.TryRead(batch[i], out contexts[i]))
                continue;
            if (!any)
                trace = contexts[i].TraceId;
            else if (contexts[i].TraceId != trace)
                oneTrace = false;
            any = true;
        }
        var parent = any && oneTrace ? contexts.First(c => c != default) : default;
        var links = new List<ActivityLink>(Math.Min(batch.Count, MaxLinks));
        foreach (var context in contexts)
        {
            if (context != default && links.Count < MaxLinks)
                links.Add(new ActivityLink(context));
        }

        var previous = Activity.Current;
        // With no record context the batch span is a child of the host's own span (the Functions invocation), if any.
        var batchSpan = PitTelemetry.Source.StartActivity(
            PitTelemetry.ProcessSpan(group),
            ActivityKind.Consumer,
            parent,
            Tags(group, batch),
            links
        );
        return batchSpan is null ? null : new ConsumerSpans(group, batch, batchSpan, contexts, parent, previous);
    }

    public void Failed(Exception exception)
    {
        _failure = exception;
        _batchSpan.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        _batchSpan.AddException(exception);
    }

    public void Stop()
    {
        var started = new DateTimeOffset(_batchSpan.StartTimeUtc);
        for (var i = 0; i < _contexts.Length; i++)
        {
            if (_contexts[i] == default || _contexts[i] == _parent)
                continue;
            var record = PitTelemetry.Source.StartActivity(
                _batchSpan.DisplayName,
                ActivityKind.Consumer,
                _contexts[i],
                startTime: started
            );
            if (record is null)
                continue;
            if (record.IsAllDataRequested)
                SetRecordTags(record, _group, _batch[i]);
            if (_failure is not null)
                record.SetStatus(ActivityStatusCode.Error, _failure.GetType().Name);
            record.Stop();
        }
        _batchSpan.Stop();
        Activity.Current = _previous;
    }

    private static ActivityTagsCollection Tags(string group, IReadOnlyList<ConsumedRecord> batch)
    {
        var tags = new ActivityTagsCollection
        {
            [PitTelemetry.MessagingSystem] = "kafka",
            [PitTelemetry.MessagingOperation] = "process",
            [PitTelemetry.ConsumerGroup] = group,
            [PitTelemetry.Destination] = batch[0].Topic,
            [PitTelemetry.BatchCount] = batch.Count,
        };
        if (batch.Count == 1)
        {
            tags[PitTelemetry.Partition] = PitTelemetry.PartitionId(batch[0].Partition);
            tags[PitTelemetry.Offset] = batch[0].Offset;
        }
        return tags;
    }

    private static void SetRecordTags(Activity span, string group, ConsumedRecord record)
    {
        // AddTag appends; the span is new, so there is nothing to replace (SetTag would search the list first).
        span.AddTag(PitTelemetry.MessagingSystem, "kafka");
        span.AddTag(PitTelemetry.MessagingOperation, "process");
        span.AddTag(PitTelemetry.ConsumerGroup, group);
        span.AddTag(PitTelemetry.Destination, record.Topic);
        span.AddTag(PitTelemetry.Partition, PitTelemetry.PartitionId(record.Partition));
        span.AddTag(PitTelemetry.Offset, record.Offset);
    }
}
