-- Who holds a key (a person or service account), set when the key is created; NULL means the key's prefix.
-- Approvals compare principals: a request is approved by a principal other than the one who made it.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS principal text;

-- Requests that wait for a human approval: deletions, turning redaction off, retention outside the policy bounds.
-- kind says which; payload holds what was asked (the deletion scope, the settings to apply). state moves
-- pending -> approved -> completed, or pending -> rejected | expired; an approved deletion runs its steps
-- (deletion_steps) until it is completed, whichever host drives it.
CREATE TABLE IF NOT EXISTS governance_requests (
    id                  uuid PRIMARY KEY,
    tenant              text NOT NULL,
    kind                text NOT NULL,
    payload             jsonb NOT NULL,
    reason              text NOT NULL DEFAULT '',
    state               text NOT NULL,
    requested_by        text NOT NULL,
    requested_key       text,
    requested_at        timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    decided_by          text,
    decided_key         text,
    decided_at          timestamptz,
    completed_at        timestamptz,
    receipt             jsonb,
    CONSTRAINT governance_requests_state CHECK (state IN ('pending', 'approved', 'completed', 'rejected', 'expired'))
);
CREATE INDEX IF NOT EXISTS governance_requests_open ON governance_requests (state, expires_at) WHERE state IN ('pending', 'approved');
CREATE INDEX IF NOT EXISTS governance_requests_by_tenant ON governance_requests (tenant, requested_at);

-- One row per finished step of an approved deletion, written in the transaction of the step's Postgres effect (or
-- after its Kafka/Blob effect, which is idempotent): a restarted driver skips what is done. counts per store.
CREATE TABLE IF NOT EXISTS deletion_steps (
    request_id   uuid NOT NULL REFERENCES governance_requests (id),
    step         text NOT NULL,
    counts       jsonb NOT NULL DEFAULT '{}',
    details      jsonb NOT NULL DEFAULT '{}',
    completed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, step)
);
