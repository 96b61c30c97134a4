using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Approvals;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Approvals;

/// <summary>
/// Records a request for a gated change (turning redaction off, retention outside the bounds) and audits it.
/// </summary>
public sealed class ApprovalRequests(
    NpgsqlDataSource dataSource,
    GovernanceRequestStore store,
    AuditTrail audit,
    GovernanceOptions options,
    TimeProvider time
) : IApprovalRequests
{
    public async Task<ApprovalRequested> RequestAsync(
        ApiKeyPrincipal requester,
        string kind,
        JsonObject payload,
        string reason,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(requester);
        var now = AuditHash.TruncateToMicroseconds(time.GetUtcNow());
        var request = new GovernanceRequest(
            Guid.CreateVersion7(now),
            requester.Tenant,
            kind,
            payload,
            reason,
            GovernanceRequestState.Pending,
            AuditActor.ForKey(requester),
            now,
            now + options.ApprovalExpiry,
            null,
            null,
            null,
            null
        );
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await store.InsertAsync(connection, transaction, request, cancellationToken).ConfigureAwait(false);
        var details = (JsonObject)payload.DeepClone();
        details["reason"] = reason;
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(request.Tenant, request.RequestedBy, $"{kind}.requested", request.Target, details),
                cancellationToken
            )
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ApprovalRequested(request.Id, kind, request.State, request.ExpiresAt);
    }
}
