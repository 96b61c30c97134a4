using PitPlatform.Sdk.Results;

namespace PitPlatform.Sdk;

/// <summary>
/// Settings of a <see cref="PitIngestionClient"/>. The defaults suit a service sending up to tens of thousands of
/// events a second.
/// </summary>
public class PitIngestionClientOptions
{
    /// <summary>
    /// The most events <see cref="PitIngestionClient.Track"/> holds in memory (rounded up to a power of two). Default
    /// 65,536.
    /// </summary>
    public int MaxQueueSize { get; set; } = 65_536;

    /// <summary>
    /// What Track does when the queue is full. Default <see cref="QueueOverflowPolicy.DropOldest"/> (never blocks).
    /// </summary>
    public QueueOverflowPolicy OverflowPolicy { get; set; } = QueueOverflowPolicy.DropOldest;

    /// <summary>
    /// How long Track may wait for room under <see cref="QueueOverflowPolicy.WaitWithTimeout"/>. Default 100 ms.
    /// </summary>
    public TimeSpan OverflowWaitTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Events per request, 1 to 1,000 (the API's limit). Default 500.</summary>
    public int MaxBatchEvents { get; set; } = 500;

    /// <summary>Uncompressed bytes per request, at most 5 MiB (the API's limit). Default 1 MiB.</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a tracked event may wait for a batch to fill before it is sent anyway. Default 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Background requests in flight at once. Default 1, which keeps tracked events in order (a batch is retried until
    /// delivered before the next is sent); more raise throughput but let batches overtake each other.
    /// </summary>
    public int MaxConcurrentSends { get; set; } = 1;

    /// <summary>
    /// Retries of one <see cref="PitIngestionClient.SendAsync"/> request after transient failures. Default 8.
    /// Background batches retry until delivered or disposed.
    /// </summary>
    public int MaxRetries { get; set; } = 8;

    /// <summary>
    /// The first retry's backoff ceiling; it doubles per attempt (full jitter: a random delay up to the ceiling).
    /// Default 100 ms.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The backoff ceiling's cap. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP attempt. Default 30 s.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="PitIngestionClient.DisposeAsync"/> tries to deliver what is queued. Default 10 s.
    /// </summary>
    public TimeSpan DisposeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether request bodies are gzip-compressed. Default true.</summary>
    public bool EnableGzip { get; set; } = true;

    /// <summary>
    /// Called (on a background thread) for every tracked event that will never be stored. Keep it short; exceptions
    /// it throws are swallowed so that it cannot stop delivery.
    /// </summary>
    public Action<PitRejectedEvent>? OnRejected { get; set; }

    /// <summary>
    /// The HTTP handler to send through (a proxy, a test handler); null uses a pooled
    /// <see cref="System.Net.Http.SocketsHttpHandler"/>.
    /// </summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>Checks the settings and fails naming the first bad one.</summary>
    internal void Validate()
    {
        Require(MaxQueueSize is >= 1 and <= 1 << 24, nameof(MaxQueueSize), "1 to 16,777,216");
        Require(MaxBatchEvents is >= 1 and <= 1000, nameof(MaxBatchEvents), "1 to 1,000");
        Require(MaxBatchBytes is >= 1024 and <= 5 * 1024 * 1024, nameof(MaxBatchBytes), "1 KiB to 5 MiB");
        Require(MaxConcurrentSends is >= 1 and <= 64, nameof(MaxConcurrentSends), "1 to 64");
        Require(MaxRetries is >= 0 and <= 100, nameof(MaxRetries), "0 to 100");
        Require(FlushInterval > TimeSpan.Zero, nameof(FlushInterval), "positive");
        Require(
            RetryDelay > TimeSpan.Zero && MaxRetryDelay >= RetryDelay,
            nameof(RetryDelay),
            $"positive and at most {nameof(MaxRetryDelay)}"
        );
        Require(NetworkTimeout > TimeSpan.Zero, nameof(NetworkTimeout), "positive");
        Require(OverflowWaitTimeout >= TimeSpan.Zero, nameof(OverflowWaitTimeout), "zero or positive");
        Require(DisposeTimeout >= TimeSpan.Zero, nameof(DisposeTimeout), "zero or positive");
    }

    private static void Require(bool ok, string name, string what)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(name, $"{nameof(PitIngestionClientOptions)}.{name} must be {what}");
    }
}
