using System.Text.Json.Nodes;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// A deletion request as the API shows it: state, scope, who asked and decided, finished steps and counts.
/// </summary>
public sealed record DeletionView(
    Guid Id,
    string Tenant,
    string State,
    JsonObject Scope,
    string Reason,
    string RequestedBy,
    DateTime RequestedAt,
    DateTime ExpiresAt,
    string? DecidedBy,
    DateTime? DecidedAt,
    DateTime? CompletedAt,
    IReadOnlyList<DeletionStepView> Steps,
    IReadOnlyDictionary<string, long> Counts,
    JsonObject? Receipt
);

/// <summary>A finished step and what it removed.</summary>
public sealed record DeletionStepView(string Step, DateTime CompletedAt, IReadOnlyDictionary<string, long> Counts);
