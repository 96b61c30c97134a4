namespace PitPlatform.Sdk.Transport;

/// <summary>
/// Exponential backoff with full jitter (a uniformly random delay up to a ceiling that doubles per attempt, capped):
/// clients that failed together do not retry together. A server's Retry-After is a floor.
/// </summary>
internal static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan cap, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        var jittered = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        return retryAfter is { } floor && floor > jittered ? floor : jittered;
    }
}
