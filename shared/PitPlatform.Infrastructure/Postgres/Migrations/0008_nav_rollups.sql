-- NAV downsampled per interval for the query API and the chart. A downsampled point is the LAST NAV of its bucket
-- (NAV is a level, not a flow), with the bucket's min/max NAV and point count.
--
-- Why rollup tables kept by a trigger: a 30-day query at one point per minute for 10 cells reads 432,000 raw rows,
-- far over the 50 ms budget; the 1h rollup of the same range is 7,200 rows read in index order. The statement-level
-- AFTER INSERT trigger sees only the rows the INSERT really added (its transition table), so a redelivered point,
-- which ON CONFLICT (event_id) DO NOTHING skips, never touches a rollup: idempotent by construction, in the same
-- statement and transaction as the point, whoever writes nav_points (the analytics consumer, COPY, a backfill).
CREATE TABLE IF NOT EXISTS nav_rollups (
    tenant                 text NOT NULL,
    series                 text NOT NULL,
    bucket_seconds         integer NOT NULL,
    bucket                 timestamptz NOT NULL,
    cell                   text NOT NULL,
    currency               char(3) NOT NULL,
    last_ts                timestamptz NOT NULL,
    last_fills_applied     bigint NOT NULL,
    last_event_id          uuid NOT NULL,
    nav_micros             bigint NOT NULL,
    cash_micros            bigint NOT NULL,
    positions_value_micros bigint NOT NULL,
    min_nav_micros         bigint NOT NULL,
    max_nav_micros         bigint NOT NULL,
    points                 bigint NOT NULL,
    -- The key is the keyset order of the query (bucket, cell, currency) within one tenant, series and interval.
    PRIMARY KEY (tenant, series, bucket_seconds, bucket, cell, currency)
) PARTITION BY LIST (bucket_seconds);
-- One partition per interval keeps a coarse answer on few pages: the 7,200 rows of 30 days x 10 cells at 1h are not
-- interleaved with the 432,000 rows of 1m. Fill factor 70 leaves room for HOT updates: the current bucket of every
-- interval is rewritten by each batch that adds to it, and no updated column is indexed.
CREATE TABLE IF NOT EXISTS nav_rollups_1m PARTITION OF nav_rollups FOR VALUES IN (60) WITH (fillfactor = 70);
CREATE TABLE IF NOT EXISTS nav_rollups_5m PARTITION OF nav_rollups FOR VALUES IN (300) WITH (fillfactor = 70);
CREATE TABLE IF NOT EXISTS nav_rollups_15m PARTITION OF nav_rollups FOR VALUES IN (900) WITH (fillfactor = 70);
CREATE TABLE IF NOT EXISTS nav_rollups_1h PARTITION OF nav_rollups FOR VALUES IN (3600) WITH (fillfactor = 70);
CREATE TABLE IF NOT EXISTS nav_rollups_1d PARTITION OF nav_rollups FOR VALUES IN (86400) WITH (fillfactor = 70);
CREATE INDEX IF NOT EXISTS nav_rollups_by_cell ON nav_rollups (tenant, series, bucket_seconds, cell, bucket, currency);

-- The raw keyset order of the query over every cell: (ts, cell, currency, fills_applied, event_id).
CREATE INDEX IF NOT EXISTS nav_points_by_series_time ON nav_points (tenant, series, ts, cell, currency, fills_applied, event_id);

CREATE OR REPLACE FUNCTION nav_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH binned AS (
        SELECT p.*, i.seconds, date_bin(make_interval(secs => i.seconds), p.ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket
        FROM inserted_points p CROSS JOIN (VALUES (60), (300), (900), (3600), (86400)) AS i(seconds)
    ), spans AS (
        SELECT tenant, series, seconds, bucket, cell, currency, min(nav_micros) AS lo, max(nav_micros) AS hi, count(*) AS n
        FROM binned GROUP BY tenant, series, seconds, bucket, cell, currency
    ), lasts AS (
        SELECT DISTINCT ON (tenant, series, seconds, bucket, cell, currency) *
        FROM binned ORDER BY tenant, series, seconds, bucket, cell, currency, ts DESC, fills_applied DESC, event_id DESC
    )
    INSERT INTO nav_rollups AS r (tenant, series, bucket_seconds, bucket, cell, currency, last_ts, last_fills_applied, last_event_id,
                                  nav_micros, cash_micros, positions_value_micros, min_nav_micros, max_nav_micros, points)
    SELECT s.tenant, s.series, s.seconds, s.bucket, s.cell, s.currency, l.ts, l.fills_applied, l.event_id,
           l.nav_micros, l.cash_micros, l.positions_value_micros, s.lo, s.hi, s.n
    FROM spans s JOIN lasts l USING (tenant, series, seconds, bucket, cell, currency)
    -- Key order, so two writers touching the same buckets lock them in the same order.
    ORDER BY s.tenant, s.series, s.seconds, s.bucket, s.cell, s.currency
    ON CONFLICT (tenant, series, bucket_seconds, bucket, cell, currency) DO UPDATE SET
        points = r.points + excluded.points,
        min_nav_micros = least(r.min_nav_micros, excluded.min_nav_micros),
        max_nav_micros = greatest(r.max_nav_micros, excluded.max_nav_micros),
        last_ts = CASE WHEN (excluded.last_ts, excluded.last_fills_applied, excluded.last_event_id) > (r.last_ts, r.last_fills_applied, r.last_event_id)
                       THEN excluded.last_ts ELSE r.last_ts END,
        last_fills_applied = CASE WHEN (excluded.last_ts, excluded.last_fills_applied, excluded.last_event_id) > (r.last_ts, r.last_fills_applied, r.last_event_id)
                       THEN excluded.last_fills_applied ELSE r.last_fills_applied END,
        nav_micros = CASE WHEN (excluded.last_ts, excluded.last_fills_applied, excluded.last_event_id) > (r.last_ts, r.last_fills_applied, r.last_event_id)
                       THEN excluded.nav_micros ELSE r.nav_micros END,
        cash_micros = CASE WHEN (excluded.last_ts, excluded.last_fills_applied, excluded.last_event_id) > (r.last_ts, r.last_fills_applied, r.last_event_id)
                       THEN excluded.cash_micros ELSE r.cash_micros END,
        positions_value_micros = CASE WHEN (excluded.last_ts, excluded.last_fills_applied, excluded.last_event_id) > (r.last_ts, r.last_fills_applied, r.last_event_id)
                       THEN excluded.positions_value_micros ELSE r.positions_value_micros END,
        -- Every SET expression reads the row as it was before this update, so the comparisons agree.
        last_event_id = CASE WHEN (excluded.last_ts, excluded.last_fills_applied, excluded.last_event_id) > (r.last_ts, r.last_fills_applied, r.last_event_id)
                       THEN excluded.last_event_id ELSE r.last_event_id END;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER nav_points_rollups AFTER INSERT ON nav_points
    REFERENCING NEW TABLE AS inserted_points FOR EACH STATEMENT EXECUTE FUNCTION nav_rollups_add();

-- Points stored before this migration: one pass through the same function's logic.
TRUNCATE nav_rollups;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM nav_points) THEN
        CREATE TEMP TABLE nav_points_backfill ON COMMIT DROP AS SELECT * FROM nav_points;
        DELETE FROM nav_points;
        INSERT INTO nav_points SELECT * FROM nav_points_backfill;
    END IF;
END
$$;
