using System.Diagnostics;

namespace PitPlatform.Contracts.Consuming;

/// <summary>Both hosts hand batches to handlers through here, so lag and batch duration are measured the same way.</summary>
public static class ObservedBatches
{
    public static async Task HandleObservedAsync(this IRecordBatchHandler handler, IReadOnlyList<ConsumedRecord> batch,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            await handler.HandleAsync(batch, cancellationToken).ConfigureAwait(false);
            return;
        }

        var group = new KeyValuePair<string, object?>("consumer_group", handler.ConsumerGroup);
        var oldest = batch[0].Timestamp;
        foreach (var record in batch)
        {
            if (record.Timestamp < oldest) oldest = record.Timestamp;
        }
        PitMetrics.RecordAge.Record(Math.Max(0, (time.GetUtcNow() - oldest).TotalMilliseconds), group,
            new KeyValuePair<string, object?>("topic", batch[0].Topic));

        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            await handler.HandleAsync(batch, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
        }
        finally
        {
            PitMetrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, group,
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
