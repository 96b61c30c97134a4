using Npgsql;
using PitPlatform.Governance.Audit;

namespace PitPlatform.Governance.Approvals;

/// <summary>
/// An approved request to keep a tenant's text unredacted (<c>{"store_raw": true}</c>) sets tenant_redaction.store_raw
/// in the approval's transaction. Ingestion instances see it within their policy cache time (30 s).
/// </summary>
public sealed class RedactionApprovalKind : IApprovalKind
{
    public const string Name = "redaction";

    public string Kind => Name;

    public async Task<string> OnApprovedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        GovernanceRequest request,
        AuditActor approver,
        CancellationToken cancellationToken
    )
    {
        var storeRaw = request.Payload["store_raw"]?.GetValue<bool>() ?? false;
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO tenant_redaction (tenant, store_raw) VALUES ($1, $2)
            ON CONFLICT (tenant) DO UPDATE SET store_raw = EXCLUDED.store_raw, updated_at = now()
            """,
            connection,
            transaction
        );
        command.Parameters.Add(new() { Value = request.Tenant });
        command.Parameters.Add(new() { Value = storeRaw });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return GovernanceRequestState.Completed;
    }
}
