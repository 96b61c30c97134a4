-- Where each processed event came from, so a consumer can tell whether the output it stored was already emitted.
ALTER TABLE processed_events
    ADD COLUMN IF NOT EXISTS source_topic     text,
    ADD COLUMN IF NOT EXISTS source_partition integer,
    ADD COLUMN IF NOT EXISTS source_offset    bigint;

-- Per consumer and source partition: every record at or below handled_through was handled and every output it led
-- to was acknowledged by Kafka. A record redelivered at its own position at or below the mark (a replay) is skipped
-- without a lookup; an event beyond it whose processed row exists (a crash between the Postgres commit and Kafka's
-- acknowledgement) re-emits its stored output.
CREATE TABLE IF NOT EXISTS consumer_watermarks (
    consumer         text NOT NULL,
    topic            text NOT NULL,
    partition        integer NOT NULL,
    handled_through  bigint NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);
