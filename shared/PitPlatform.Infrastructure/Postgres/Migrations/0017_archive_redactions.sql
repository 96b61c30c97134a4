-- Redactions of archive range files: a deletion rewrote a range file without the records of its scope. One row per
-- rewrite, written (with an archive.redacted audit entry whose sequence it names) BEFORE the blob is overwritten, so a
-- crash in between is completed by the next run. ./pit archive verify accepts a range file whose hash differs from its
-- manifest only along these rows (original_sha256 -> new_sha256, possibly several in a row), each backed by its audit
-- entry. Append-only for the application role, like the audit trail.
CREATE TABLE IF NOT EXISTS archive_redactions (
    range_name       text NOT NULL,
    original_sha256  text NOT NULL,
    new_sha256       text NOT NULL,
    topic            text NOT NULL,
    partition        integer NOT NULL,
    first_offset     bigint NOT NULL,
    last_offset      bigint NOT NULL,
    records_removed  integer NOT NULL CHECK (records_removed > 0),
    new_bytes        bigint NOT NULL,
    deletion_id      uuid NOT NULL,
    tenant           text NOT NULL,
    audit_sequence   bigint NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (range_name, original_sha256, new_sha256)
);
CREATE INDEX IF NOT EXISTS archive_redactions_by_deletion ON archive_redactions (deletion_id);
CREATE INDEX IF NOT EXISTS archive_redactions_by_chain ON archive_redactions (topic, partition);
REVOKE UPDATE, DELETE, TRUNCATE ON archive_redactions FROM pit_app;
