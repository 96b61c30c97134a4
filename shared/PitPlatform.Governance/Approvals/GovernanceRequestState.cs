namespace PitPlatform.Governance.Approvals;

/// <summary>Where a request stands: pending -> approved -> completed, or pending -> rejected | expired.</summary>
public static class GovernanceRequestState
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Completed = "completed";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
}
