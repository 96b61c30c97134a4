using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Access.Tenants;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Tenants;

/// <summary>
/// The changes an operator makes to a tenant. Each commits with its entry in the tenant's audit chain (actions
/// <c>tenant.created</c>, <c>tenant.updated</c>, <c>tenant.suspended</c>, <c>tenant.resumed</c>), and a new tenant with
/// its first admin key, so a tenant never exists without the key that was shown for it, nor a change without its entry.
/// </summary>
public class TenantLifecycle(
    NpgsqlDataSource dataSource,
    TenantStore tenants,
    ApiKeyStore keys,
    AuditTrail audit,
    ApiKeyAuthenticator authenticator
)
{
    /// <summary>The scopes of a new tenant's first key: its admin makes every other key.</summary>
    public static readonly IReadOnlyList<string> FirstKeyScopes = [ApiKeyScope.Admin];

    /// <summary>Creates the tenant and its first admin key; null when the id is taken.</summary>
    public virtual async Task<(Tenant Tenant, ApiKeyText AdminKey)?> CreateAsync(
        ApiKeyPrincipal operatorKey,
        string id,
        string displayName,
        string plan,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(operatorKey);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (
            !await tenants
                .InsertAsync(connection, transaction, id, displayName, plan, operatorKey.Principal, cancellationToken)
                .ConfigureAwait(false)
        )
            return null;
        var key = await keys.CreateAsync(
                connection,
                transaction,
                id,
                FirstKeyScopes,
                "first admin key",
                principal: null,
                cancellationToken
            )
            .ConfigureAwait(false);
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(
                    id,
                    AuditActor.ForKey(operatorKey),
                    "tenant.created",
                    Target(id),
                    new JsonObject
                    {
                        ["display_name"] = displayName,
                        ["plan"] = plan,
                        ["admin_key_prefix"] = key.Prefix,
                    }
                ),
                cancellationToken
            )
            .ConfigureAwait(false);
        var created = await tenants.LockAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (created!, key);
    }

    /// <summary>
    /// Changes the display name and plan (either may be null: unchanged); null for an unknown tenant.
    /// </summary>
    public virtual Task<Tenant?> UpdateAsync(
        ApiKeyPrincipal operatorKey,
        string id,
        string? displayName,
        string? plan,
        CancellationToken cancellationToken = default
    ) =>
        ChangeAsync(
            operatorKey,
            id,
            before =>
            {
                var details = new JsonObject();
                if (displayName is not null && displayName != before.DisplayName)
                    details["display_name"] = new JsonObject { ["from"] = before.DisplayName, ["to"] = displayName };
                if (plan is not null && plan != before.Plan)
                    details["plan"] = new JsonObject { ["from"] = before.Plan, ["to"] = plan };
                return details.Count == 0 ? null : ("tenant.updated", details, displayName, plan, null);
            },
            cancellationToken
        );

    /// <summary>
    /// Suspends or resumes; a tenant already in that state is left as it is. Null for an unknown tenant.
    /// </summary>
    public virtual Task<Tenant?> SetStatusAsync(
        ApiKeyPrincipal operatorKey,
        string id,
        string status,
        CancellationToken cancellationToken = default
    ) =>
        ChangeAsync(
            operatorKey,
            id,
            before =>
                before.Status == status
                    ? null
                    : (
                        status == TenantStatus.Suspended ? "tenant.suspended" : "tenant.resumed",
                        new JsonObject { ["from"] = before.Status, ["to"] = status },
                        null,
                        null,
                        status
                    ),
            cancellationToken
        );

    private async Task<Tenant?> ChangeAsync(
        ApiKeyPrincipal operatorKey,
        string id,
        Func<Tenant, (string Action, JsonObject Details, string? DisplayName, string? Plan, string? Status)?> change,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(operatorKey);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var before = await tenants.LockAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        if (before is null)
            return null;
        if (change(before) is not { } what)
            return before;
        await tenants
            .UpdateAsync(
                connection,
                transaction,
                id,
                what.DisplayName,
                what.Plan,
                what.Status,
                operatorKey.Principal,
                cancellationToken
            )
            .ConfigureAwait(false);
        await audit
            .AppendAsync(
                connection,
                transaction,
                new AuditRecord(id, AuditActor.ForKey(operatorKey), what.Action, Target(id), what.Details),
                cancellationToken
            )
            .ConfigureAwait(false);
        var after = await tenants.LockAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // Status and plan travel with each key lookup: drop this instance's cached lookups so the change applies at
        // once here; other instances see it within ApiKeyAuthenticator.CacheDuration.
        authenticator.ForgetAll();
        return after;
    }

    private static string Target(string id) => $"tenant/{id}";
}
