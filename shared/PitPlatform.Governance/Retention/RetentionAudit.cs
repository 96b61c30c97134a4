using System.Text.Json.Nodes;
using Npgsql;

namespace PitPlatform.Governance.Retention;

/// <summary>
/// The audit entries of retention and export, appended inside the caller's transaction so the audited change and its
/// entry commit together.
/// </summary>
public class RetentionAudit
{
    public const string SweptAction = "retention.swept";
    public const string ChangedAction = "retention.changed";
    public const string ExportAction = "export.started";

    public virtual Task SweptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenant, Guid sweepId, JsonObject details,
        CancellationToken cancellationToken) =>
        // The audit trail is not on main yet: the entry is appended here once it is.
        Task.CompletedTask;
}
