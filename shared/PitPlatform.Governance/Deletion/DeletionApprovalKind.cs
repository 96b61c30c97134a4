using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// An approved deletion announces itself (DeletionApproved) and waits for its steps (<see cref="DeletionRunner"/>). An
/// approved offboarding also suspends the tenant in the approval's transaction, so its keys are refused from then on.
/// </summary>
public sealed class DeletionApprovalKind(
    DeletionEvents events,
    DeletionWakeup wakeup,
    TimeProvider time,
    AuditTrail audit
) : IApprovalKind
{
    public string Kind => DeletionRequests.Kind;

    public async Task<string> OnApprovedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GovernanceRequest request,
        AuditActor approver,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(approver);
        var scope = DeletionScope.FromJson(request.Payload);
        if (scope.Offboarding)
        {
            await OffboardingPurges
                .SuspendAsync(connection, transaction, request.Tenant, approver.Principal, cancellationToken)
                .ConfigureAwait(false);
            await audit
                .AppendAsync(
                    connection,
                    transaction,
                    new AuditRecord(
                        request.Tenant,
                        approver,
                        "tenant.suspended",
                        $"tenant/{request.Tenant}",
                        new JsonObject { ["to"] = Access.Tenants.TenantStatus.Suspended, ["because"] = request.Target }
                    ),
                    cancellationToken
                )
                .ConfigureAwait(false);
        }
        await events
            .ApprovedAsync(request, scope, approver.Principal, time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        wakeup.Signal();
        return GovernanceRequestState.Approved;
    }
}
