-- Dead letters per tenant, for the console (overview counts by reason, an event's "dead_lettered" status): one row
-- per dead letter whose record named a tenant, written by DeadLetterWriter after the letter reached
-- pit.v1.ops.dead_letter. The id is the letter's own (derived from the source position), so a retried batch writes
-- nothing twice. The letter itself, with the original bytes, stays on Kafka. Swept by retention on ts (the event's,
-- or when it was dead-lettered if its envelope did not parse), purged by deletions.
CREATE TABLE IF NOT EXISTS dead_lettered_events (
    dead_letter_id  uuid PRIMARY KEY,
    tenant          text NOT NULL,
    event_id        uuid,
    type            text NOT NULL,
    series          text NOT NULL DEFAULT '',
    cell            text NOT NULL DEFAULT '',
    ts              timestamptz NOT NULL,
    consumer        text NOT NULL,
    reason          text NOT NULL,
    dead_lettered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dead_lettered_events_by_tenant_ts ON dead_lettered_events (tenant, ts);
CREATE INDEX IF NOT EXISTS dead_lettered_events_by_event ON dead_lettered_events (event_id);
