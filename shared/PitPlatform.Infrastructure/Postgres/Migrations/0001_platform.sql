-- API keys: only a peppered hash of the secret is stored; the prefix is public and identifies the key.
CREATE TABLE IF NOT EXISTS api_keys (
    prefix          text PRIMARY KEY,
    secret_hash     bytea NOT NULL,
    tenant          text NOT NULL,
    scopes          text[] NOT NULL,
    name            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    last_used_at    timestamptz,
    rate_per_second integer,
    burst           integer
);

-- One row per (consumer, event) applied: the idempotency record, written in the same transaction as the effect.
-- output holds the envelope the consumer emitted for the event, so a redelivery re-emits the identical record.
CREATE TABLE IF NOT EXISTS processed_events (
    consumer        text NOT NULL,
    event_id        uuid NOT NULL,
    payload_sha256  bytea NOT NULL,
    processed_at    timestamptz NOT NULL DEFAULT now(),
    output          bytea,
    PRIMARY KEY (consumer, event_id)
);
