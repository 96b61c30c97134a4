using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// Applies a retention change and appends its audit entry (retention.changed, with the days before and after) in one
/// transaction, so a change without its entry cannot commit.
/// </summary>
public class RetentionPolicyAudit(NpgsqlDataSource database, RetentionPolicyStore store, RetentionAudit audit)
{
    /// <summary>For mocking.</summary>
    protected RetentionPolicyAudit()
        : this(null!, null!, null!) { }

    public virtual async Task<RetentionPolicy> SetAsync(
        ApiKeyPrincipal admin,
        RetentionPolicy before,
        int days,
        string? tier,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var policy = await store
            .SetAsync(connection, tx, admin.Tenant, days, tier, admin.Principal, cancellationToken)
            .ConfigureAwait(false);
        var details = new JsonObject
        {
            ["days_before"] = before.Days,
            ["tier_before"] = before.Tier,
            ["days"] = days,
            ["tier"] = tier,
        };
        await audit.ChangedAsync(connection, tx, admin, details, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return policy;
    }
}
