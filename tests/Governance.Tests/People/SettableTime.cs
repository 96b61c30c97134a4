namespace PitPlatform.Governance.Tests.People;

/// <summary>A clock a test sets, to age a token without waiting.</summary>
internal sealed class SettableTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
