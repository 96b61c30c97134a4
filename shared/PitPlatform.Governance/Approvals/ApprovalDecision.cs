namespace PitPlatform.Governance.Approvals;

/// <summary>The outcome of an approve or reject: the request as it now stands, or the refusal.</summary>
public sealed record ApprovalDecision(GovernanceRequest? Request, ApprovalRefusal? Refusal);
