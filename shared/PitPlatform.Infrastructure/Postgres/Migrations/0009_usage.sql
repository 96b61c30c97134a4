-- LLM usage (group usage-aggregator). Each call's metadata and the SHA-256 of its prompt and response are always kept;
-- the text itself only when the tenant opted in, the call was flagged, or it fell in the sampled fraction
-- (text_kept_because says which). The call's row and its aggregates are written in the transaction that writes its
-- processed_events row, so a redelivered call is counted once.
CREATE TABLE IF NOT EXISTS llm_calls (
    event_id          uuid PRIMARY KEY,
    tenant            text NOT NULL,
    series            text NOT NULL,
    cell              text NOT NULL DEFAULT '',
    ts                timestamptz NOT NULL,
    model             text NOT NULL,
    input_tokens      bigint NOT NULL,
    output_tokens     bigint NOT NULL,
    cost_micros       bigint NOT NULL,
    currency          text NOT NULL,
    latency_ms        bigint NOT NULL,
    run_id            text NOT NULL DEFAULT '',
    user_ref_hash     text NOT NULL DEFAULT '',
    flagged           boolean NOT NULL,
    prompt_sha256     bytea NOT NULL,
    response_sha256   bytea NOT NULL,
    prompt            text,
    response          text,
    text_kept_because text
);
CREATE INDEX IF NOT EXISTS llm_calls_tenant_ts ON llm_calls (tenant, ts);

-- Per tenant, UTC day (of the call's ts), model and currency: the billing aggregates.
CREATE TABLE IF NOT EXISTS usage_daily (
    tenant         text NOT NULL,
    day            date NOT NULL,
    model          text NOT NULL,
    currency       text NOT NULL,
    calls          bigint NOT NULL,
    input_tokens   bigint NOT NULL,
    output_tokens  bigint NOT NULL,
    cost_micros    bigint NOT NULL,
    PRIMARY KEY (tenant, day, model, currency)
);

-- Events per tenant, UTC day (of the event's ts) and topic, each event_id counted once: metering for billing.
CREATE TABLE IF NOT EXISTS events_daily (
    tenant  text NOT NULL,
    day     date NOT NULL,
    topic   text NOT NULL,
    events  bigint NOT NULL,
    PRIMARY KEY (tenant, day, topic)
);

-- A tenant's opt-in to keeping the full (redacted) prompt and response text of every LLM call.
ALTER TABLE tenant_redaction ADD COLUMN IF NOT EXISTS store_llm_text boolean NOT NULL DEFAULT false;
