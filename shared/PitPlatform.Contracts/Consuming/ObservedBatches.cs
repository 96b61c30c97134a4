using System.Diagnostics;
using PitPlatform.Contracts.Telemetry;

namespace PitPlatform.Contracts.Consuming;

/// <summary>
/// Both hosts hand batches to handlers through here, so lag, batch duration and the consumer's spans are measured the
/// same way (<see cref="ConsumerSpans"/>: spans only while a listener samples them).
/// </summary>
public static class ObservedBatches
{
    public static async Task HandleObservedAsync(
        this IRecordBatchHandler handler,
        IReadOnlyList<ConsumedRecord> batch,
        TimeProvider time,
        CancellationToken cancellationToken
    )
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
            if (record.Timestamp < oldest)
                oldest = record.Timestamp;
        }
        var topic = new KeyValuePair<string, object?>("topic", batch[0].Topic);
        PitMetrics.RecordAge.Record(Math.Max(0, (time.GetUtcNow() - oldest).TotalMilliseconds), group, topic);

        var spans = ConsumerSpans.Start(handler.ConsumerGroup, batch);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            await handler.HandleAsync(batch, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
        }
        catch (Exception e)
        {
            spans?.Failed(e);
            throw;
        }
        finally
        {
            spans?.Stop();
            PitMetrics.BatchDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                group,
                new KeyValuePair<string, object?>("outcome", outcome)
            );
        }
        PitMetrics.ConsumedRecords.Add(batch.Count, group);
        var now = time.GetUtcNow();
        PitMetrics.RecordAgeAtEnd.Record(Math.Max(0, (now - oldest).TotalMilliseconds), group, topic);
        if (PitMetrics.LagSeconds.Enabled)
            ConsumerLag.Handled(handler.ConsumerGroup, batch, now);
    }
}
