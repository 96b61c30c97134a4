using System.Text.Json.Nodes;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Approvals;

/// <summary>A request that waits for (or had) a human approval; <see cref="Kind"/> says what it asks for.</summary>
public sealed record GovernanceRequest(
    Guid Id,
    string Tenant,
    string Kind,
    JsonObject Payload,
    string Reason,
    string State,
    AuditActor RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    AuditActor? DecidedBy,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? CompletedAt,
    JsonObject? Receipt
)
{
    /// <summary>The audit target and the name clients see: <c>{kind}/{id}</c>.</summary>
    public string Target => $"{Kind}/{Id:D}";
}
