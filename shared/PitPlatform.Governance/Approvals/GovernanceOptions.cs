namespace PitPlatform.Governance.Approvals;

/// <summary>
/// Settings of the approval workflow: how long a request waits for an answer (PIT_APPROVAL_EXPIRY_HOURS, default 72)
/// and the pause between two deletion steps (PIT_DELETION_STEP_PAUSE_MS, default 0; spreads a large purge's load).
/// </summary>
public sealed record GovernanceOptions
{
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromHours(72);

    public TimeSpan ApprovalExpiry { get; init; } = DefaultExpiry;
    public TimeSpan DeletionStepPause { get; init; } = TimeSpan.Zero;
}
