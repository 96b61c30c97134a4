using Npgsql;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Deletion;

/// <summary>An approved deletion announces itself (DeletionApproved) and waits for its steps (<see cref="DeletionRunner"/>).</summary>
public sealed class DeletionApprovalKind(DeletionEvents events, DeletionWakeup wakeup, TimeProvider time) : IApprovalKind
{
    public string Kind => DeletionRequests.Kind;

    public async Task<string> OnApprovedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, GovernanceRequest request, AuditActor approver,
        CancellationToken cancellationToken)
    {
        await events.ApprovedAsync(request, DeletionScope.FromJson(request.Payload), approver.Principal, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        wakeup.Signal();
        return GovernanceRequestState.Approved;
    }
}
