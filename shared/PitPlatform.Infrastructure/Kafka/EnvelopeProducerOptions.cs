namespace PitPlatform.Infrastructure.Kafka;

/// <summary>How an <see cref="EnvelopeProducer"/> trades latency for larger message sets.</summary>
public sealed record EnvelopeProducerOptions
{
    /// <summary>The defaults: what the ingest API and the processors produce with.</summary>
    public static EnvelopeProducerOptions Default { get; } = new();

    private readonly TimeSpan _linger = TimeSpan.Zero;

    /// <summary>
    /// How long a record waits for others to share its message set (librdkafka's <c>linger.ms</c>). None by default:
    /// a request's records and a batch's NAV updates are handed over together, and under load records batch anyway
    /// while earlier requests are in flight, so a linger only delays every hop (1 ms cost 1.5 ms of the 202-to-visible
    /// p50 and no ingest throughput). A bulk load (a backfill, the load tests' input) can wait for fewer, larger
    /// message sets, which cost the broker and every consumer less per record.
    /// </summary>
    public TimeSpan Linger
    {
        get => _linger;
        init =>
            _linger =
                value >= TimeSpan.Zero && value <= TimeSpan.FromMinutes(15)
                    ? value
                    : throw new ArgumentOutOfRangeException(
                        nameof(Linger),
                        value,
                        "linger must be between 0 and 15 minutes"
                    );
    }
}
