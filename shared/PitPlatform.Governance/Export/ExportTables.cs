namespace PitPlatform.Governance.Export;

/// <summary>
/// Every table that holds data of a scope, with the query that reads exactly that data in key order. A tenant export
/// has everything stored for the tenant (events, state, aggregates, settings, governance requests and the audit
/// trail; API keys without their secret hashes); narrower scopes have the tables whose rows carry a series, cell or
/// subject. Column lists are the tables' own (SELECT *), so a column a migration adds is exported without a change
/// here.
/// </summary>
public static class ExportTables
{
    public static IReadOnlyList<ExportQuery> For(ExportScope scope) =>
        scope.Kind switch
        {
            ExportScope.SubjectKind =>
            [
                new(
                    "llm_calls",
                    "SELECT * FROM llm_calls WHERE tenant = $1 AND user_ref_hash = $2 ORDER BY event_id",
                    [scope.Tenant, scope.Subject!]
                ),
            ],
            ExportScope.SeriesKind or ExportScope.CellKind => Narrow(scope),
            _ => Tenant(scope.Tenant),
        };

    private static List<ExportQuery> Narrow(ExportScope scope)
    {
        var cell = scope.Kind == ExportScope.CellKind;
        var where = cell ? "tenant = $1 AND series = $2 AND cell = $3" : "tenant = $1 AND series = $2";
        object[] arguments = cell ? [scope.Tenant, scope.Series!, scope.Cell!] : [scope.Tenant, scope.Series!];
        return
        [
            new("nav_points", $"SELECT * FROM nav_points WHERE {where} ORDER BY event_id", arguments),
            new(
                "nav_rollups",
                $"SELECT * FROM nav_rollups WHERE {where} ORDER BY series, bucket_seconds, bucket, cell, currency",
                arguments
            ),
            new("cell_cash", $"SELECT * FROM cell_cash WHERE {where} ORDER BY series, cell, currency", arguments),
            new(
                "cell_positions",
                $"SELECT * FROM cell_positions WHERE {where} ORDER BY series, cell, instrument",
                arguments
            ),
            new("llm_calls", $"SELECT * FROM llm_calls WHERE {where} ORDER BY event_id", arguments),
        ];
    }

    private static List<ExportQuery> Tenant(string tenant)
    {
        object[] t = [tenant];
        return
        [
            new("nav_points", "SELECT * FROM nav_points WHERE tenant = $1 ORDER BY event_id", t),
            new(
                "nav_rollups",
                "SELECT * FROM nav_rollups WHERE tenant = $1 ORDER BY series, bucket_seconds, bucket, cell, currency",
                t
            ),
            new("cell_cash", "SELECT * FROM cell_cash WHERE tenant = $1 ORDER BY series, cell, currency", t),
            new(
                "cell_positions",
                "SELECT * FROM cell_positions WHERE tenant = $1 ORDER BY series, cell, instrument",
                t
            ),
            new("llm_calls", "SELECT * FROM llm_calls WHERE tenant = $1 ORDER BY event_id", t),
            new("usage_daily", "SELECT * FROM usage_daily WHERE tenant = $1 ORDER BY day, model, currency", t),
            new("events_daily", "SELECT * FROM events_daily WHERE tenant = $1 ORDER BY day, topic", t),
            new("tenant_redaction", "SELECT * FROM tenant_redaction WHERE tenant = $1", t),
            new("retention_policies", "SELECT * FROM retention_policies WHERE tenant = $1", t),
            new(
                "api_keys",
                """
                SELECT prefix, tenant, principal, scopes, name, created_at, revoked_at, last_used_at, rate_per_second, burst
                FROM api_keys WHERE tenant = $1 ORDER BY prefix
                """,
                t
            ),
            new("governance_requests", "SELECT * FROM governance_requests WHERE tenant = $1 ORDER BY id", t),
            new(
                "deletion_steps",
                """
                SELECT s.* FROM deletion_steps s JOIN governance_requests r ON r.id = s.request_id
                WHERE r.tenant = $1 ORDER BY s.request_id, s.step
                """,
                t
            ),
            new("billing_customers", "SELECT * FROM billing_customers WHERE tenant = $1", t),
            new(
                "billing_reports",
                "SELECT * FROM billing_reports WHERE tenant = $1 ORDER BY meter, period, revision",
                t
            ),
            new("billing_skips", "SELECT * FROM billing_skips WHERE tenant = $1 ORDER BY meter, period", t),
            new(
                "retention_sweeps",
                "SELECT * FROM retention_sweeps WHERE tenant = $1 ORDER BY started_at, sweep_id",
                t
            ),
            new("audit_entries", "SELECT * FROM audit_entries WHERE tenant = $1 ORDER BY sequence", t),
        ];
    }
}
