using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Approvals;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Deletion;

/// <summary>
/// Records a deletion request: the request row, its audit entry and its DeletionRequested event. The event is
/// produced before the transaction commits, so a request that exists was announced (an announced request whose
/// commit failed is an id nobody can find, which harms nothing).
/// </summary>
public class DeletionRequests(
    NpgsqlDataSource dataSource,
    GovernanceRequestStore store,
    AuditTrail audit,
    DeletionEvents events,
    GovernanceOptions options,
    TimeProvider time
)
{
    public const string Kind = "deletion";

    public virtual Task<GovernanceRequest> CreateAsync(
        ApiKeyPrincipal requester,
        DeletionScope scope,
        string reason,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(requester);
        return CreateAsync(requester, requester.Tenant, scope, reason, cancellationToken);
    }

    /// <summary>
    /// A request for <paramref name="tenant"/>'s data, which an operator names (an offboarding); a tenant's key names
    /// its own.
    /// </summary>
    public virtual async Task<GovernanceRequest> CreateAsync(
        ApiKeyPrincipal requester,
        string tenant,
        DeletionScope scope,
        string reason,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(scope);
        var now = AuditHash.TruncateToMicroseconds(time.GetUtcNow());
        var request = new GovernanceRequest(
            Guid.CreateVersion7(now),
            tenant,
            Kind,
            scope.ToJson(),
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
        var details = scope.ToJson();
        details["reason"] = reason;
        details["expires_at"] = request.ExpiresAt.UtcDateTime.ToString("O");
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(request.Tenant, request.RequestedBy, "deletion.requested", request.Target, details),
                cancellationToken
            )
            .ConfigureAwait(false);
        await events.RequestedAsync(request, scope, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return request;
    }

    /// <summary>
    /// Audits a request that was refused before it became one (a scope naming another tenant, a missing scope).
    /// </summary>
    public virtual Task RefusedAsync(
        ApiKeyPrincipal requester,
        string reason,
        JsonObject? details,
        CancellationToken cancellationToken = default
    )
    {
        var entry = details ?? [];
        entry["reason"] = reason;
        return audit.AppendAsync(
            new AuditRecord(
                requester.Tenant,
                AuditActor.ForKey(requester),
                "deletion.request_refused",
                "deletion/new",
                entry
            ),
            cancellationToken
        );
    }
}
