-- Where each processed event came from, so a consumer can tell whether the output it stored was already emitted.
ALTER TABLE processed_events
    ADD COLUMN IF NOT EXISTS source_topic     text,
    ADD COLUMN IF NOT EXISTS source_partition integer,
    ADD COLUMN IF NOT EXISTS source_offset    bigint;

-- Per consumer and source partition: every output of a processed event whose source offset is at or below
-- emitted_through has been acknowledged by Kafka. Redelivered events beyond it (a crash between the Postgres commit
-- and the produce) re-emit their stored output; those at or below it are skipped, which keeps replays cheap.
CREATE TABLE IF NOT EXISTS consumer_emissions (
    consumer         text NOT NULL,
    topic            text NOT NULL,
    partition        integer NOT NULL,
    emitted_through  bigint NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);
