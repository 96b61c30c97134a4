using System.Text.Json.Nodes;
using Npgsql;
using PitPlatform.Access.ApiKeys;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// The audit entries of retention and export, appended to the tenant's chain inside the caller's transaction, so the
/// audited change and its entry commit together.
/// </summary>
public class RetentionAudit(AuditTrail trail)
{
    public const string SweptAction = "retention.swept";
    public const string ChangedAction = "retention.changed";
    public const string ExportAction = "export.started";
    public const string SweeperComponent = "retention-sweeper";

    /// <summary>For mocking.</summary>
    protected RetentionAudit()
        : this(null!) { }

    public virtual Task SweptAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        Guid sweepId,
        JsonObject details,
        CancellationToken cancellationToken
    ) =>
        trail.AppendAsync(
            connection,
            transaction,
            new AuditRecord(
                tenant,
                AuditActor.ForSystem(SweeperComponent),
                SweptAction,
                $"retention_sweep/{sweepId:D}",
                details
            ),
            cancellationToken
        );

    public virtual Task ChangedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ApiKeyPrincipal admin,
        JsonObject details,
        CancellationToken cancellationToken
    ) =>
        trail.AppendAsync(
            connection,
            transaction,
            new AuditRecord(
                admin.Tenant,
                AuditActor.ForKey(admin),
                ChangedAction,
                $"tenant/{admin.Tenant}/retention",
                details
            ),
            cancellationToken
        );

    /// <summary>A change applied by an approval: the actor is the approver.</summary>
    public virtual Task ChangedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenant,
        AuditActor actor,
        JsonObject details,
        CancellationToken cancellationToken
    ) =>
        trail.AppendAsync(
            connection,
            transaction,
            new AuditRecord(tenant, actor, ChangedAction, $"tenant/{tenant}/retention", details),
            cancellationToken
        );

    public virtual Task ExportStartedAsync(
        ApiKeyPrincipal caller,
        string target,
        JsonObject details,
        CancellationToken cancellationToken
    ) =>
        trail.AppendAsync(
            new AuditRecord(caller.Tenant, AuditActor.ForKey(caller), ExportAction, target, details),
            cancellationToken
        );
}
