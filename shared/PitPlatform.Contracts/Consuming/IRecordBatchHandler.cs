namespace PitPlatform.Contracts.Consuming;

/// <summary>
/// A consumer's logic, free of any host. A host calls <see cref="HandleAsync"/> with a batch and commits the batch's
/// offsets only after it returned. Throwing means "nothing of this batch may be committed". Hosts call handlers through
/// the ConsumerGuard (PitPlatform.Processing), which lets transient failures through to the host's retry and, for any
/// other failure, splits the batch to dead-letter the record at fault; handlers dead-letter the bad data they recognise
/// themselves, and must be idempotent, since parts of a failed batch are handled again.
/// </summary>
public interface IRecordBatchHandler
{
    /// <summary>The consumer group, from the topic catalog.</summary>
    string ConsumerGroup { get; }

    /// <summary>The topics the handler reads.</summary>
    IReadOnlyList<string> Topics { get; }

    /// <summary>
    /// How long a host may wait, once a batch's first record arrived, to gather more before calling the handler. Zero
    /// (the default) suits consumers on a latency path; consumers off it (usage, archive) gather larger batches, which
    /// costs them a little delay and saves most of their per-batch work (transactions, blob requests) at low rates.
    /// </summary>
    TimeSpan BatchWindow => TimeSpan.Zero;

    /// <summary>
    /// Whether the handler reads <see cref="ConsumedRecord.Headers"/>. None does today: the envelope carries
    /// everything, and the CloudEvents headers exist for other readers. When false, a host may hand records over
    /// without headers (the local host then does not decode them, about a fifth of what consuming a record allocates).
    /// </summary>
    bool ReadsHeaders => false;

    Task HandleAsync(IReadOnlyList<ConsumedRecord> batch, CancellationToken cancellationToken);
}
