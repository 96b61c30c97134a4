using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// An approved request for a retention outside the policy bounds (<c>{"days": N, "tier": name|null}</c>, recorded by
/// PUT /v1/admin/retention) sets the tenant's policy in the approval's transaction, with its retention.changed entry,
/// so the change, its audit entry and the request's completion commit together. Rejected or expired requests never
/// reach here and leave the policy as it was.
/// </summary>
public sealed class RetentionApprovalKind(RetentionPolicyStore store, RetentionAudit audit) : IApprovalKind
{
    public const string Name = "retention";

    public string Kind => Name;

    public async Task<string> OnApprovedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GovernanceRequest request,
        AuditActor approver,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(request);
        var days = request.Payload["days"]?.GetValue<int>()
            ?? throw new InvalidOperationException($"{request.Target} has no days");
        var tier = request.Payload["tier"]?.GetValue<string>();
        var before = await store
            .GetAsync(connection, transaction, request.Tenant, cancellationToken)
            .ConfigureAwait(false);
        // The policy names who asked for it; the audit entry names who approved it.
        await store
            .SetAsync(
                connection,
                transaction,
                request.Tenant,
                days,
                tier,
                request.RequestedBy.Principal,
                cancellationToken
            )
            .ConfigureAwait(false);
        var details = new JsonObject
        {
            ["days_before"] = before.Days,
            ["tier_before"] = before.Tier,
            ["days"] = days,
            ["tier"] = tier,
            ["approval_id"] = request.Id.ToString("D"),
            ["requested_by"] = request.RequestedBy.Principal,
        };
        await audit
            .ChangedAsync(connection, transaction, request.Tenant, approver, details, cancellationToken)
            .ConfigureAwait(false);
        return GovernanceRequestState.Completed;
    }
}
