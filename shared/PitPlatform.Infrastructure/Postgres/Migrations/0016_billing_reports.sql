-- Every meter event the billing reporter sends to Stripe, written as 'pending' BEFORE it is sent and marked 'reported'
-- with Stripe's answer after. A period's usage is reported as revision 1, and any usage that arrived after it (late
-- events) as revision 2, 3, ... holding only the difference. The identifier (tenant, meter, period, revision) is
-- deterministic and unique, and Stripe refuses a second event with the same identifier, so a crash between Stripe's
-- answer and our write, or a re-run of the same period, never bills twice: the pending row is re-sent unchanged.
CREATE TABLE IF NOT EXISTS billing_reports (
    tenant              text NOT NULL,
    meter               text NOT NULL,
    period              date NOT NULL,
    revision            integer NOT NULL CHECK (revision >= 1),
    identifier          text NOT NULL UNIQUE,
    event_name          text NOT NULL,
    stripe_customer_id  text NOT NULL,
    value               bigint NOT NULL CHECK (value >= 0),
    event_timestamp     timestamptz NOT NULL,
    status              text NOT NULL CHECK (status IN ('pending', 'reported')),
    attempts            integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    reported_at         timestamptz,
    last_error          text,
    stripe_request_id   text,
    stripe_response     jsonb,
    PRIMARY KEY (tenant, meter, period, revision)
);
CREATE INDEX IF NOT EXISTS billing_reports_pending ON billing_reports (created_at) WHERE status = 'pending';

-- Usage the reporter could not bill because the tenant had no Stripe customer: one row per tenant, meter and period,
-- so the skip is audited once, not on every run.
CREATE TABLE IF NOT EXISTS billing_skips (
    tenant      text NOT NULL,
    meter       text NOT NULL,
    period      date NOT NULL,
    value       bigint NOT NULL,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, meter, period)
);
