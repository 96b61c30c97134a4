using System.Collections.Concurrent;

namespace PitPlatform.Access.RateLimiting;

/// <summary>
/// A token bucket per API key, charged one token per event, so a key's rate is in events per second whatever its
/// batch size. Tokens are integer milli-tokens (no floating point). Buckets live in this instance's memory: with
/// several instances (Azure scales out), each enforces the key's rate on its own, so the fleet-wide ceiling is the
/// rate times the instance count (docs/ACCESS.md, "API keys and rate limits").
/// </summary>
public sealed class ApiKeyRateLimiter(RateLimitOptions defaults, TimeProvider time)
{
    private const long Milli = 1000;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes <paramref name="events"/> tokens (at most a full bucket) from the key's bucket, or none.
    /// </summary>
    public RateLimitDecision TryAcquire(string keyPrefix, int events, int? ratePerSecond, int? burst) =>
        TryAcquire(keyPrefix, events, ratePerSecond, burst, Tenants.TenantPlans.Free);

    /// <summary>As above, where a key without a rate of its own gets the default scaled by its tenant's plan.</summary>
    public RateLimitDecision TryAcquire(
        string keyPrefix,
        int events,
        int? ratePerSecond,
        int? burst,
        Tenants.TenantPlan plan
    )
    {
        ArgumentNullException.ThrowIfNull(plan);
        var rate = Math.Max(1, ratePerSecond ?? plan.Scale(defaults.EventsPerSecond));
        var capacity = Math.Max(1, burst ?? plan.Scale(defaults.Burst));
        var cost = Math.Min(Math.Max(1, events), capacity) * Milli;
        var bucket = _buckets.GetOrAdd(keyPrefix, _ => new Bucket(capacity * Milli, time.GetTimestamp()));
        lock (bucket)
        {
            var now = time.GetTimestamp();
            // Cap the idle time credited, so the product below cannot overflow.
            var elapsedMs = (long)Math.Min(time.GetElapsedTime(bucket.Stamp, now).TotalMilliseconds, 86_400_000);
            bucket.Tokens = Math.Min(capacity * Milli, bucket.Tokens + elapsedMs * rate);
            bucket.Stamp = now;
            var allowed = bucket.Tokens >= cost;
            if (allowed)
                bucket.Tokens -= cost;
            var remaining = (int)(bucket.Tokens / Milli);
            var resetSeconds = (int)CeilDiv(capacity * Milli - bucket.Tokens, rate * Milli);
            var retryAfter = allowed ? 0 : (int)Math.Max(1, CeilDiv(cost - bucket.Tokens, rate * Milli));
            return new RateLimitDecision(allowed, capacity, remaining, resetSeconds, retryAfter);
        }
    }

    private static long CeilDiv(long a, long b) => a <= 0 ? 0 : (a + b - 1) / b;

    private sealed class Bucket(long tokens, long stamp)
    {
        public long Tokens = tokens;
        public long Stamp = stamp;
    }
}
