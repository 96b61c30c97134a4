-- Events the ingest edge refused, per tenant, UTC day of the refusal and error code (ADR 0020): counted in memory by
-- each instance and added here by a periodic flush, never written per request. A crash loses at most one flush
-- interval's counts, so the figures are a floor, not a ledger. Swept by retention (whole days), purged by tenant
-- deletions (they hold no series, cell or subject).
CREATE TABLE IF NOT EXISTS ingest_refusals_daily (
    tenant  text NOT NULL,
    day     date NOT NULL,
    code    text NOT NULL,
    events  bigint NOT NULL,
    PRIMARY KEY (tenant, day, code)
);
