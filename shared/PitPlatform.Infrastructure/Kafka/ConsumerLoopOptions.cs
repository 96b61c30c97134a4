namespace PitPlatform.Infrastructure.Kafka;

/// <summary>Batch bounds and retry pacing of a <see cref="KafkaConsumerLoop"/>.</summary>
public sealed class ConsumerLoopOptions
{
    /// <summary>Most records handed to the handler at once (the Functions Kafka trigger's maxBatchSize).</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>How long to gather a batch once its first record arrived.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Backoff after the first failed attempt at a batch; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The librdkafka mock cluster needs at least 3500 ms to form a group.</summary>
    public int SessionTimeoutMs { get; init; } = 10_000;
}
