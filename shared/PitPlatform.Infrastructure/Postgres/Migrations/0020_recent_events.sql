-- Recent events (the console's logs): one row per accepted tenant event (trade fills and LLM calls), written by the
-- usage aggregator in the transaction that writes its processed_events row, so a redelivery writes nothing twice.
-- It holds metadata only, never a payload: an LLM call's text stays in llm_calls (kept only as redaction allows), a
-- trade fill's fields in the NAV tables. user_ref_hash is the call's hashed user reference, so a subject deletion finds
-- the rows. Where an event went after acceptance is read from processed_events at query time. Swept by retention on
-- ts, purged by deletions.
CREATE TABLE IF NOT EXISTS recent_events (
    event_id       uuid PRIMARY KEY,
    tenant         text NOT NULL,
    type           text NOT NULL,
    ts             timestamptz NOT NULL,
    series         text NOT NULL,
    cell           text NOT NULL DEFAULT '',
    model          text,
    user_ref_hash  text NOT NULL DEFAULT '',
    accepted_at    timestamptz NOT NULL DEFAULT now()
);
-- The logs page newest first (ts, event_id) within a tenant; the other filters narrow that scan.
CREATE INDEX IF NOT EXISTS recent_events_by_tenant_ts ON recent_events (tenant, ts DESC, event_id DESC);
CREATE INDEX IF NOT EXISTS recent_events_by_series ON recent_events (tenant, series, ts DESC, event_id DESC);
