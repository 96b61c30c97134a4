using System.Diagnostics;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Contracts.Telemetry;

/// <summary>
/// A consumer batch's spans (OpenTelemetry messaging conventions): one "process {group}" span of kind Consumer for the
/// batch, linked to every record's producer context, and the handler runs under it. When all records come from one
/// trace (a batch of one, the latency case) the batch span continues that trace, so the handler's spans and log lines
/// carry the event's trace id; otherwise it starts a trace of its own and each record whose context it does not
/// continue gets a "process {group}" span of its own, parented to the record's context and lasting as long as the
/// batch, so every event's trace shows the consumer's work on it.
/// </summary>
internal sealed class ConsumerSpans
{
    /// <summary>
    /// Links per batch span: enough to follow a latency batch, bounded for a replay batch of thousands.
    /// </summary>
    private const int MaxLinks = 128;

    private readonly Activity _batch;
    private readonly List<Activity>? _records;
    private readonly Activity? _previous;

    private ConsumerSpans(Activity batch, List<Activity>? records, Activity? previous)
    {
        _batch = batch;
        _records = records;
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

        var name = PitTelemetry.ProcessSpan(group);
        var previous = Activity.Current;
        // With no record context the batch span is a child of the host's own span (the Functions invocation), if any.
        var batchSpan = PitTelemetry.Source.StartActivity(
            name,
            ActivityKind.Consumer,
            parent,
            Tags(group, batch),
            links
        );
        if (batchSpan is null)
            return null;

        List<Activity>? records = null;
        for (var i = 0; i < contexts.Length; i++)
        {
            if (contexts[i] == default || contexts[i] == parent)
                continue;
            // Tags set on the span itself, not through a tag collection per record (a batch of thousands makes
            // thousands).
            var record = PitTelemetry.Source.StartActivity(name, ActivityKind.Consumer, contexts[i]);
            if (record is null)
                continue;
            if (record.IsAllDataRequested)
                SetRecordTags(record, group, batch[i]);
            (records ??= new List<Activity>(contexts.Length)).Add(record);
        }
        // Starting a record's span made it current; the handler runs under the batch span.
        Activity.Current = batchSpan;
        return new ConsumerSpans(batchSpan, records, previous);
    }

    public void Failed(Exception exception)
    {
        _batch.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        _batch.AddException(exception);
        if (_records is null)
            return;
        foreach (var record in _records)
            record.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
    }

    public void Stop()
    {
        if (_records is not null)
        {
            foreach (var record in _records)
                record.Stop();
        }
        _batch.Stop();
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
