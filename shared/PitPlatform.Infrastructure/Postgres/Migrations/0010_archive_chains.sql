-- The head of each archive chain: the last range the archiver wrote to Blob for a (topic, partition), and the hash of
-- its manifest, which the next manifest names as its previous. Advanced in one transaction only after both the range
-- file and the manifest are in Blob; ./pit archive verify checks the chain in Blob ends exactly here.
CREATE TABLE IF NOT EXISTS archive_chain_heads (
    topic            text    NOT NULL,
    partition        integer NOT NULL,
    last_offset      bigint  NOT NULL,
    manifest_name    text    NOT NULL,
    manifest_sha256  text    NOT NULL,
    ranges           bigint  NOT NULL,
    records          bigint  NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition)
);
