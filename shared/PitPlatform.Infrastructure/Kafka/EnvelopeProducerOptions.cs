namespace PitPlatform.Infrastructure.Kafka;

/// <summary>How an <see cref="EnvelopeProducer"/> trades latency for larger message sets.</summary>
public sealed record EnvelopeProducerOptions
{
    /// <summary>The defaults: what the ingest API and the processors produce with.</summary>
    public static EnvelopeProducerOptions Default { get; } = new();

    private readonly TimeSpan _linger = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How long a record waits for others to share its message set (librdkafka's <c>linger.ms</c>). 1 ms by default,
    /// not 0: at 0 a bulk produce leaves many small message sets, which cost the broker and every consumer per set.
    /// A bulk load (a backfill, the load tests' input) can wait longer for fewer, larger sets.
    /// </summary>
    public TimeSpan Linger
    {
        get => _linger;
        init => _linger = value >= TimeSpan.Zero && value <= TimeSpan.FromMinutes(15)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Linger), value, "linger must be between 0 and 15 minutes");
    }
}
