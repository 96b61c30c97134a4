namespace PitPlatform.Governance.Retention;

/// <summary>
/// A tenant's retention: days of event data kept, the tier they came from, and whether it is the default.
/// </summary>
public sealed record RetentionPolicy(
    string Tenant,
    int Days,
    string? Tier,
    bool IsDefault,
    string? UpdatedBy,
    DateTimeOffset? UpdatedAt
)
{
    /// <summary>Data with a time before this is expired at <paramref name="now"/>.</summary>
    public DateTimeOffset CutoffAt(DateTimeOffset now) => now - TimeSpan.FromDays(Days);
}
