namespace PitPlatform.Governance.Retention;

/// <summary>A named retention length an admin can choose instead of a number of days (PIT_RETENTION_TIERS).</summary>
public sealed record RetentionTier(string Name, int Days);
