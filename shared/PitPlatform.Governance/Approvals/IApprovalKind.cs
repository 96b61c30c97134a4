using Npgsql;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Approvals;

/// <summary>
/// What an approval of one kind of request does (deletion, redaction, retention). Adding a kind is one class: it
/// names itself and applies the approved change.
/// </summary>
public interface IApprovalKind
{
    /// <summary>The request kind (governance_requests.kind) and the first word of its audit actions.</summary>
    string Kind { get; }

    /// <summary>
    /// Runs in the approval's transaction, after every check passed; returns the state the request moves to:
    /// <see cref="GovernanceRequestState.Completed"/> when the change is applied here, or
    /// <see cref="GovernanceRequestState.Approved"/> when work follows (a deletion's steps).
    /// </summary>
    Task<string> OnApprovedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GovernanceRequest request,
        AuditActor approver,
        CancellationToken cancellationToken
    );
}
