namespace PitPlatform.Governance.Retention;

/// <summary>
/// Every Postgres table that holds a tenant's event data by time, with the statement that deletes one chunk of its
/// expired rows. Each chunk picks its rows by ctid (or key) under a LIMIT, so one statement touches a bounded number of
/// rows and holds their locks only for its own short transaction. Not swept: the cell book (cell_cash,
/// cell_positions: the current state, not events), the billing aggregates and records (usage_daily, events_daily,
/// billing_*: counts and costs per day with no event content, kept for invoicing), settings (api_keys,
/// tenant_redaction, retention_policies), archive chain heads, and the audit trail, which is append-only by design. A
/// deletion request removes all of these for its scope.
/// </summary>
public static class RetentionTables
{
    public static readonly IReadOnlyList<RetentionTable> PerTenant =
    [
        new(
            "nav_points",
            """
            DELETE FROM nav_points WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM nav_points WHERE tenant = $1 AND ts < $2 LIMIT $3))
            """
        ),
        // A bucket goes once all of it lies before the cutoff; the bucket that straddles it stays with its newer
        // points.
        new(
            "nav_rollups",
            """
            DELETE FROM nav_rollups r USING (
                SELECT tenant, series, bucket_seconds, bucket, cell, currency FROM nav_rollups
                WHERE tenant = $1 AND bucket + make_interval(secs => bucket_seconds) <= $2 LIMIT $3) d
            WHERE r.tenant = d.tenant AND r.series = d.series AND r.bucket_seconds = d.bucket_seconds
              AND r.bucket = d.bucket AND r.cell = d.cell AND r.currency = d.currency
            """
        ),
        new(
            "llm_calls",
            """
            DELETE FROM llm_calls WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM llm_calls WHERE tenant = $1 AND ts < $2 LIMIT $3))
            """
        ),
        new(
            "recent_events",
            """
            DELETE FROM recent_events WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM recent_events WHERE tenant = $1 AND ts < $2 LIMIT $3))
            """
        ),
        new(
            "dead_lettered_events",
            """
            DELETE FROM dead_lettered_events WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM dead_lettered_events WHERE tenant = $1 AND ts < $2 LIMIT $3))
            """
        ),
        new(
            "deduplicated_deliveries",
            """
            DELETE FROM deduplicated_deliveries WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM deduplicated_deliveries WHERE tenant = $1 AND ts < $2 LIMIT $3))
            """
        ),
        new(
            "ingest_refusals_daily",
            """
            DELETE FROM ingest_refusals_daily WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM ingest_refusals_daily
                WHERE tenant = $1 AND ((day + 1)::timestamp AT TIME ZONE 'UTC') <= $2 LIMIT $3))
            """
        ),
        // The overview's daily counts: a day goes once all of it lies before the cutoff, as nav_rollups' buckets do.
        new(
            "event_counts_daily",
            """
            DELETE FROM event_counts_daily WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM event_counts_daily
                WHERE tenant = $1 AND ((day + 1)::timestamp AT TIME ZONE 'UTC') <= $2 LIMIT $3))
            """
        ),
    ];

    /// <summary>
    /// Idempotency rows hold no tenant: they go once older than every tenant's retention ($1 the horizon, $2 the
    /// chunk). Kafka keeps records at most 7 days, so no redelivery can need a row that old.
    /// </summary>
    public static readonly RetentionTable ProcessedEvents = new(
        "processed_events",
        """
        DELETE FROM processed_events WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM processed_events WHERE processed_at < $1 LIMIT $2))
        """
    );
}
