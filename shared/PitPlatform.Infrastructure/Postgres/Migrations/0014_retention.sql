-- Retention per tenant: how many days of event data are kept. No row means the default (PIT_RETENTION_DEFAULT_DAYS).
-- tier names the configured tier the days came from (PIT_RETENTION_TIERS), null when days were set directly.
CREATE TABLE IF NOT EXISTS retention_policies (
    tenant      text PRIMARY KEY,
    days        integer NOT NULL CHECK (days > 0),
    tier        text,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per RetentionSweep (its event id). deleted holds the rows and blobs removed so far per store, added in the
-- transaction of each chunk, so a sweep resumed after a crash reports the whole count; completed_at is set in the
-- transaction that appends the sweep's audit entry, so a redelivered sweep is audited once.
CREATE TABLE IF NOT EXISTS retention_sweeps (
    sweep_id      uuid PRIMARY KEY,
    tenant        text NOT NULL,
    cutoff        timestamptz NOT NULL,
    deleted       jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz
);
CREATE INDEX IF NOT EXISTS retention_sweeps_by_tenant ON retention_sweeps (tenant, started_at);

-- Per archive chain: range files at or below pruned_through were removed by retention (their manifests stay, so the
-- hash chain is still verifiable from genesis). Set before the blobs are deleted, so a crash in between leaves only
-- range files the next sweep removes; ./pit archive verify accepts a missing range file only at or below this mark.
CREATE TABLE IF NOT EXISTS archive_retention_marks (
    topic           text NOT NULL,
    partition       integer NOT NULL,
    pruned_through  bigint NOT NULL,
    horizon         timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition)
);

-- Idempotency rows carry no tenant; the sweep removes those older than every tenant's retention. processed_at grows
-- with insertion order, so a BRIN index finds them for a fraction of a B-tree's size and write cost on the hot path.
CREATE INDEX IF NOT EXISTS processed_events_by_time ON processed_events USING brin (processed_at);
