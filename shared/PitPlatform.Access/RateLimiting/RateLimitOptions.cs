namespace PitPlatform.Access.RateLimiting;

/// <summary>
/// Defaults for keys whose record sets no rate (settings PIT_RATE_LIMIT_PER_SECOND and PIT_RATE_LIMIT_BURST).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Events per second a key may sustain.</summary>
    public int EventsPerSecond { get; init; } = 1_000;

    /// <summary>Events a key may send at once after being idle; at least one full batch (1000 events).</summary>
    public int Burst { get; init; } = 2_000;
}
