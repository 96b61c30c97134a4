namespace PitPlatform.Access.RateLimiting;

/// <summary>What the limiter decided, with what the RateLimit-* and Retry-After headers report.</summary>
public readonly record struct RateLimitDecision(
    bool Allowed,
    int Limit,
    int Remaining,
    int ResetSeconds,
    int RetryAfterSeconds
);
