namespace PitPlatform.Governance.Retention;

/// <summary>
/// Retention as configured for the deployment: the default days of a tenant without a policy, the bounds an admin may
/// set alone (outside them a change needs an approved governance request), the named tiers, and how the sweep runs.
/// The hosts read and check it at start-up (PitSettings); the defaults here are the documented ones.
/// </summary>
public sealed class RetentionSettings
{
    public const int DefaultRetentionDays = 90;

    public int DefaultDays { get; init; } = DefaultRetentionDays;
    public int MinDays { get; init; } = 7;
    public int MaxDays { get; init; } = 365;
    public IReadOnlyList<RetentionTier> Tiers { get; init; } =
    [new("short", 30), new("standard", DefaultRetentionDays), new("extended", 365)];

    /// <summary>
    /// How often the local host's scheduler emits sweeps (the Functions app uses a CRON schedule instead).
    /// </summary>
    public TimeSpan SweepPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Rows one DELETE statement removes: each chunk is its own short transaction, so no lock is held long.
    /// </summary>
    public int ChunkRows { get; init; } = 5_000;

    public bool IsWithinBounds(int days) => days >= MinDays && days <= MaxDays;

    public RetentionTier? FindTier(string name) =>
        Tiers.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
}
