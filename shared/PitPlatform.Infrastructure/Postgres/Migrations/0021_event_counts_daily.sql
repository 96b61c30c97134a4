-- The console overview's per-day rollup: events per tenant, UTC day (of the event's ts), type and status, kept by the
-- consumers in the transactions that write their processed_events rows, so a redelivered batch adds nothing. The usage
-- aggregator adds 'accepted' (every row it writes to recent_events), the NAV processor 'applied' (each fill it
-- applied). slot spreads one consumer's concurrent transactions over rows of their own (the NAV processor's groups
-- of cells), so they never wait on each other's row lock; readers sum over it. Retention drops whole days older than
-- the cutoff; a deletion subtracts the recent_events rows it removes (a tenant deletion removes all).
CREATE TABLE IF NOT EXISTS event_counts_daily (
    tenant  text NOT NULL,
    day     date NOT NULL,
    type    text NOT NULL,
    status  text NOT NULL,
    slot    smallint NOT NULL DEFAULT 0,
    events  bigint NOT NULL,
    PRIMARY KEY (tenant, day, type, status, slot)
);
