-- Which Stripe customer pays for each tenant. Set by an operator (./pit billing customers set); the billing reporter
-- skips (and audits) a tenant with usage but no row here, and reports its usage once the row exists.
CREATE TABLE IF NOT EXISTS billing_customers (
    tenant              text PRIMARY KEY,
    stripe_customer_id  text NOT NULL CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9]{1,64}$'),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text NOT NULL
);
