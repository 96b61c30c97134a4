namespace PitPlatform.Billing.Tests.Support;

/// <summary>A clock the test sets by hand (billing windows depend on the UTC day).</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
