-- People in tenants: a person (issuer + subject of their access tokens) holds one role in a tenant. Read on every
-- request a person makes, uncached, so a removed member loses access on the next request. Operators are not members:
-- the identity provider asserts them with an app role.
CREATE TABLE IF NOT EXISTS memberships (
    issuer      text NOT NULL,
    subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 256),
    tenant      text NOT NULL,
    role        text NOT NULL CHECK (role IN ('viewer', 'admin', 'approver')),
    name        text,
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL,
    PRIMARY KEY (issuer, subject, tenant)
);
CREATE INDEX IF NOT EXISTS memberships_by_tenant ON memberships (tenant, subject);
