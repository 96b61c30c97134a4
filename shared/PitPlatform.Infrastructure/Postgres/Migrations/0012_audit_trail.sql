-- The audit trail: one hash chain per tenant, append-only. Each entry's hash is SHA-256 over a canonical encoding of
-- every field and the previous entry's hash (AuditHash in PitPlatform.Governance); sequence counts from 1 per tenant.
-- details holds the canonical JSON text that was hashed (json, not jsonb, keeps the text byte for byte).
CREATE TABLE IF NOT EXISTS audit_entries (
    tenant          text NOT NULL,
    sequence        bigint NOT NULL,
    at              timestamptz NOT NULL,
    principal       text NOT NULL,
    key_prefix      text,
    action          text NOT NULL,
    target          text NOT NULL,
    details         json NOT NULL,
    previous_hash   bytea NOT NULL,
    hash            bytea NOT NULL,
    PRIMARY KEY (tenant, sequence)
);
CREATE INDEX IF NOT EXISTS audit_entries_by_time ON audit_entries (tenant, at, sequence);

-- The last entry of each chain, kept by a trigger the application cannot bypass, so removing the newest entries is
-- detected too (the verifier checks that the chain ends at its head).
CREATE TABLE IF NOT EXISTS audit_chain_heads (
    tenant      text PRIMARY KEY,
    sequence    bigint NOT NULL,
    hash        bytea NOT NULL
);

-- Nobody changes or removes an entry, whatever their grants: only a superuser who switches triggers off
-- (session_replication_role = replica) can, and the verifier then names the entry.
CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

-- SECURITY DEFINER: the head moves with every insert even though the application role may not write the heads table.
CREATE OR REPLACE FUNCTION audit_entries_advance_head() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO audit_chain_heads (tenant, sequence, hash) VALUES (NEW.tenant, NEW.sequence, NEW.hash)
    ON CONFLICT (tenant) DO UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash
    WHERE audit_chain_heads.sequence < EXCLUDED.sequence;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS audit_entries_no_update ON audit_entries;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries;
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();
DROP TRIGGER IF EXISTS audit_entries_head ON audit_entries;
CREATE TRIGGER audit_entries_head AFTER INSERT ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_advance_head();

-- pit_app: the role the application's login is a member of in production (NOLOGIN; the deployment grants it to the
-- app's identity). It may read and write the tables it needs, but never update, delete or truncate audit entries,
-- nor write the chain heads. Roles are cluster-wide, so creating it tolerates another schema having done so.
DO $$
BEGIN
    CREATE ROLE pit_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO pit_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO pit_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO pit_app', current_schema());
    -- Tables later migrations create get the same grants.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pit_app', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO pit_app', current_schema());
END $$;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM pit_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_chain_heads FROM pit_app;
