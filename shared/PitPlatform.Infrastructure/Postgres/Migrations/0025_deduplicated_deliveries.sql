-- Deduplicated deliveries (the console's logs, status "deduplicated"): one row per Kafka record a consumer recognised
-- as an event it had already processed from another source position, i.e. a second record with the same event_id (a
-- client retry the edge accepted twice). Written by the usage aggregator in the transaction of its processed_events
-- rows. Keyed by the duplicate record's own position, so a replay of the same batch writes nothing twice, and a replay
-- of the record the event was processed from is no duplicate at all. series, cell and user_ref_hash let deletions
-- find the rows; swept by retention on ts (the event's), purged by deletions.
CREATE TABLE IF NOT EXISTS deduplicated_deliveries (
    consumer          text NOT NULL,
    source_topic      text NOT NULL,
    source_partition  int NOT NULL,
    source_offset     bigint NOT NULL,
    tenant            text NOT NULL,
    event_id          uuid NOT NULL,
    series            text NOT NULL DEFAULT '',
    cell              text NOT NULL DEFAULT '',
    user_ref_hash     text NOT NULL DEFAULT '',
    ts                timestamptz NOT NULL,
    seen_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, source_topic, source_partition, source_offset)
);
-- An event's duplicates (the logs' count per row and the detail), and a tenant's by time (retention, deletions).
CREATE INDEX IF NOT EXISTS deduplicated_deliveries_by_event ON deduplicated_deliveries (event_id);
CREATE INDEX IF NOT EXISTS deduplicated_deliveries_by_tenant_ts ON deduplicated_deliveries (tenant, ts);

-- A recent_events row is also written for a tenant event a consumer dead-lettered (DeadLetterLedger), so the logs list
-- an LLM call the usage aggregator never counted. counted is true once the usage aggregator counted the event (its
-- processed_events row, its event_counts_daily 'accepted'): only those rows are in the overview's counts and what a
-- deletion subtracts from them. Rows written before this column are all the aggregator's.
ALTER TABLE recent_events ADD COLUMN IF NOT EXISTS counted boolean NOT NULL DEFAULT true;
