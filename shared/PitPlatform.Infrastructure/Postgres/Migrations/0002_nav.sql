-- Cash per cell and currency, in integer micros.
CREATE TABLE IF NOT EXISTS cell_cash (
    tenant          text NOT NULL,
    series          text NOT NULL,
    cell            text NOT NULL,
    currency        char(3) NOT NULL,
    cash_micros     bigint NOT NULL,
    fills_applied   bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, series, cell, currency)
);

-- Positions per cell and instrument; the last fill price marks the position.
CREATE TABLE IF NOT EXISTS cell_positions (
    tenant            text NOT NULL,
    series            text NOT NULL,
    cell              text NOT NULL,
    instrument        text NOT NULL,
    currency          char(3) NOT NULL,
    quantity          bigint NOT NULL,
    last_price_micros bigint NOT NULL,
    PRIMARY KEY (tenant, series, cell, instrument)
);

-- NAV points as the analytics consumer stores them; event_id makes redelivery a no-op.
CREATE TABLE IF NOT EXISTS nav_points (
    event_id               uuid PRIMARY KEY,
    tenant                 text NOT NULL,
    series                 text NOT NULL,
    cell                   text NOT NULL,
    currency               char(3) NOT NULL,
    ts                     timestamptz NOT NULL,
    nav_micros             bigint NOT NULL,
    cash_micros            bigint NOT NULL,
    positions_value_micros bigint NOT NULL,
    fills_applied          bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS nav_points_by_cell_time ON nav_points (tenant, series, cell, ts);
