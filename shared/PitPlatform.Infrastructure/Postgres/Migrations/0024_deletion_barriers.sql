-- The consumer barrier of an approved deletion: the end offsets of the partitions its scope's events flow through,
-- recorded when its first step runs, which every consumer group that writes a store must have committed past before
-- the purge steps start. Derived topics (nav_update, dead_letter) get their marks once their producing groups passed
-- theirs, so records those groups wrote from the scope's events are waited for too.
CREATE TABLE IF NOT EXISTS deletion_barrier_marks (
    request_id  uuid NOT NULL REFERENCES governance_requests (id),
    topic       text NOT NULL,
    partition   int NOT NULL,
    end_offset  bigint NOT NULL,
    taken_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, topic, partition)
);

-- One row per deletion that reached its barrier: when it started waiting and on what it waits now (null once passed),
-- so an operator sees a stuck deletion without reading logs.
CREATE TABLE IF NOT EXISTS deletion_barriers (
    request_id  uuid PRIMARY KEY REFERENCES governance_requests (id),
    started_at  timestamptz NOT NULL DEFAULT now(),
    checked_at  timestamptz NOT NULL DEFAULT now(),
    topics      text[] NOT NULL DEFAULT '{}',
    waiting_on  text
);
