using System.Text.Json.Nodes;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Access.Approvals;

/// <summary>
/// Asks for a human approval instead of applying a change that turns a protection off (PitPlatform.Governance
/// implements it). The change is applied only when an approver of the tenant with another principal approves.
/// </summary>
public interface IApprovalRequests
{
    /// <param name="kind">What is asked (redaction, retention); an approval kind of that name applies it.</param>
    /// <param name="payload">The change to apply on approval.</param>
    Task<ApprovalRequested> RequestAsync(
        ApiKeyPrincipal requester,
        string kind,
        JsonObject payload,
        string reason,
        CancellationToken cancellationToken = default
    );
}

/// <summary>A recorded request: its id (GET /v1/approvals/{id}) and when it expires unanswered.</summary>
public sealed record ApprovalRequested(Guid Id, string Kind, string State, DateTimeOffset ExpiresAt);
