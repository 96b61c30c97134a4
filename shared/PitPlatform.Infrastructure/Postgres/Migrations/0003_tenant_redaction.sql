-- Redaction mode per detector and tenant (replace, mask, hash, remove); no row means replace everywhere.
-- store_raw (keep text unredacted) is only ever set by an approved governance request.
CREATE TABLE IF NOT EXISTS tenant_redaction (
    tenant      text PRIMARY KEY,
    email       text NOT NULL DEFAULT 'replace',
    ssn         text NOT NULL DEFAULT 'replace',
    phone       text NOT NULL DEFAULT 'replace',
    card        text NOT NULL DEFAULT 'replace',
    ip          text NOT NULL DEFAULT 'replace',
    store_raw   boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
