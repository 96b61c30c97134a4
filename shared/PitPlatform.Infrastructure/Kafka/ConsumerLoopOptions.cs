namespace PitPlatform.Infrastructure.Kafka;

/// <summary>Batch bounds and retry pacing of a <see cref="KafkaConsumerLoop"/>.</summary>
public sealed record ConsumerLoopOptions
{
    /// <summary>
    /// Most records handed to the handler at once (the Functions Kafka trigger's maxBatchSize in host.json). Under
    /// load a NAV batch then holds about ten fills per cell, so each cell's state is written once for them all
    /// (5,000: 25k fills/s; 10,000: 26-30k; 20,000: 24k, as more of each batch outlives a gen-0 collection).
    /// </summary>
    public int MaxBatchSize { get; init; } = 10000;

    /// <summary>
    /// How long to wait for more records once a batch's first record arrived. Zero (the default) takes what the client
    /// has already fetched and no more: batches grow by themselves under load and a lone record is not held back.
    /// </summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.Zero;

    /// <summary>Backoff after the first failed attempt at a batch; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// fetch.wait.max.ms, or null for the client's default (500). Real brokers answer a fetch as soon as data arrives;
    /// librdkafka's mock cluster always waits this long on an empty fetch, so the local host lowers it for the embedded
    /// cluster, where a fetch costs next to nothing.
    /// </summary>
    public int? FetchWaitMaxMs { get; init; }

    /// <summary>
    /// How often stored offsets are committed (auto.commit.interval.ms; the Functions Kafka trigger's
    /// AutoCommitIntervalMs).
    /// </summary>
    public int AutoCommitIntervalMs { get; init; } = 200;

    /// <summary>The librdkafka mock cluster needs at least 3500 ms to form a group.</summary>
    public int SessionTimeoutMs { get; init; } = 10_000;
}
