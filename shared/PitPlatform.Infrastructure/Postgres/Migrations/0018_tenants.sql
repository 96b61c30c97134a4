-- Tenants as managed records (POST /v1/tenants): the id is the key segment every key, event and row already carries.
-- A suspended tenant keeps everything; its keys are refused until it is resumed. The plan bounds retention and sets
-- the default rate of keys without their own (TenantPlans in code holds the numbers, not this table).
CREATE TABLE IF NOT EXISTS tenants (
    id            text PRIMARY KEY,
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    plan          text NOT NULL CHECK (plan IN ('free', 'team', 'pro')),
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL
);

-- Tenants that existed only as a string inside keys become records on the free plan, so nothing loses access.
INSERT INTO tenants (id, display_name, plan, updated_by)
SELECT DISTINCT tenant, tenant, 'free', 'system:migration' FROM api_keys
ON CONFLICT (id) DO NOTHING;
