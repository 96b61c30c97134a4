using Microsoft.Extensions.Logging;
using PitPlatform.Contracts.Consuming;
using PitPlatform.Contracts.Envelope.V1;
using PitPlatform.Infrastructure.Postgres;

namespace PitPlatform.Processing.DeadLetters;

/// <summary>How <see cref="ConsumerGuard"/> paces a record whose failure is of no known class.</summary>
public sealed record ConsumerFailurePolicy
{
    /// <summary>Attempts at a record alone, the first included, before an unknown failure dead-letters it.</summary>
    public int MaxUnknownAttempts { get; init; } = 5;

    /// <summary>
    /// Wait before the second attempt; doubles up to <see cref="MaxRetryDelay"/> (200 + 400 + 800 + 1,600 ms by
    /// default).
    /// </summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public static ConsumerFailurePolicy Default { get; } = new();

    public TimeSpan Backoff(int failedAttempts) =>
        TimeSpan.FromMilliseconds(
            Math.Min(
                FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 16)),
                MaxRetryDelay.TotalMilliseconds
            )
        );
}

/// <summary>
/// Wraps a consumer handler so that no record can stop its partition, in one place for both hosts: the local consumer
/// loops and the Functions Kafka triggers both call a guard. A batch is handed to the handler as it is; the success
/// path costs one try block per batch and nothing per record. When the handler throws, <see cref="FailureClassifier"/>
/// decides:
/// <list type="bullet">
/// <item>Transient (Postgres or Kafka unavailable): the exception goes to the host, which commits nothing and retries
/// the whole batch with backoff, without limit.</item>
/// <item>Permanent or unknown: the batch is split in two halves, the first handled completely before the second, each
/// half again split if it fails, until the record at fault is alone. A permanent failure dead-letters it at once; an
/// unknown one is retried alone up to <see cref="ConsumerFailurePolicy.MaxUnknownAttempts"/> times with backoff, then
/// dead-lettered as unknown_failure. The good records are applied by the halves that succeed; the handlers are
/// idempotent, so what a failed attempt had already committed is not applied twice.</item>
/// </list>
/// Order: the halves are taken in the batch's order and the left one finishes (its dead letters acknowledged) before
/// the right one starts, so the records are applied in their delivered order, per partition and per key, less the
/// records set aside: the same result as if the poison had never been on the topic, which is what a handler's own
/// dead-lettering gives too. The guard returns, and the host commits offsets, only after every half succeeded and every
/// dead letter was acknowledged by Kafka.
/// </summary>
public class ConsumerGuard(
    IRecordBatchHandler inner,
    DeadLetterWriter deadLetters,
    ConsumerFailurePolicy policy,
    ILogger logger
) : IRecordBatchHandler
{
    public IRecordBatchHandler Inner => inner;
    public string ConsumerGroup => inner.ConsumerGroup;
    public IReadOnlyList<string> Topics => inner.Topics;
    public TimeSpan BatchWindow => inner.BatchWindow;
    public bool ReadsHeaders => inner.ReadsHeaders;

    public async Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken)
    {
        ConsumerFailure failure;
        try
        {
            await inner.HandleAsync(batch, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            failure = FailureClassifier.Classify(e, cancellationToken);
            if (failure.Class == FailureClass.Transient)
            {
                if (!cancellationToken.IsCancellationRequested)
                    DatabaseConnectionFailures.CountIfAny(e, ConsumerGroup);
                throw;
            }
        }
        await IsolateAsync(batch, failure, cancellationToken).ConfigureAwait(false);
    }

    private async Task IsolateAsync(
        IReadOnlyList<ConsumedRecord> batch,
        ConsumerFailure failure,
        CancellationToken cancellationToken
    )
    {
        if (batch.Count == 1)
        {
            await SettleAsync(batch[0], failure, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (batch.Count == 0)
            return;
        logger.LogWarning(
            "{Group}: batch of {Count} from {First} failed ({Failure}); splitting it to find the record at fault",
            ConsumerGroup,
            batch.Count,
            batch[0],
            failure
        );
        var half = batch.Count / 2;
        await HandleAsync(Slice(batch, 0, half), cancellationToken).ConfigureAwait(false);
        await HandleAsync(Slice(batch, half, batch.Count - half), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A record that failed alone: dead-letter it now (permanent) or after its bounded attempts (unknown).
    /// </summary>
    private async Task SettleAsync(ConsumedRecord record, ConsumerFailure failure, CancellationToken cancellationToken)
    {
        var attempts = 1;
        while (failure.Class == FailureClass.Unknown && attempts < policy.MaxUnknownAttempts)
        {
            var delay = policy.Backoff(attempts);
            logger.LogWarning(
                "{Group}: {Record} failed alone (attempt {Attempt} of {Max}: {Failure}); retrying in {Delay} ms",
                ConsumerGroup,
                record,
                attempts,
                policy.MaxUnknownAttempts,
                failure.Detail,
                (int)delay.TotalMilliseconds
            );
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            attempts++;
            try
            {
                await inner.HandleAsync([record], cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e)
            {
                failure = FailureClassifier.Classify(e, cancellationToken);
                if (failure.Class == FailureClass.Transient)
                    throw;
            }
        }
        var error =
            failure.Class == FailureClass.Unknown
                ? $"{failure.Detail} (failed alone {attempts} times)"
                : failure.Detail;
        await deadLetters
            .WriteAsync(record, ConsumerGroup, failure.Reason, error, Envelope(record), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The record's envelope when it parses, so the dead letter keeps the tenant's key.</summary>
    private static EventEnvelope? Envelope(ConsumedRecord record)
    {
        try
        {
            return record.IsTombstone ? null : EventEnvelope.Parser.ParseFrom(record.Value);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static ArraySegment<ConsumedRecord> Slice(IReadOnlyList<ConsumedRecord> batch, int start, int count) =>
        batch is ConsumedRecord[] array ? new ArraySegment<ConsumedRecord>(array, start, count)
        : batch is ArraySegment<ConsumedRecord> segment ? segment.Slice(start, count)
        : new ArraySegment<ConsumedRecord>(batch.Skip(start).Take(count).ToArray());
}

/// <summary>The guard of one handler type, for the container: the Functions triggers take it by type.</summary>
public sealed class ConsumerGuard<THandler>(
    THandler inner,
    DeadLetterWriter deadLetters,
    ConsumerFailurePolicy policy,
    ILogger<THandler> logger
) : ConsumerGuard(inner, deadLetters, policy, logger)
    where THandler : IRecordBatchHandler;
