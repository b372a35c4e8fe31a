import { ONE_UNFINISHED_STATUS_OP_MIGRATION } from "../oneUnfinishedStatusOp.ts";

/**
 * Schema migrations of the PostgreSQL store, applied in order on start (one transaction each, under
 * an advisory lock, so replicas starting together apply each exactly once); `schema_migrations`
 * records which ran. Append new migrations, never edit a released one.
 *
 * Ids and times are TEXT with the "C" collation: the code pages by ULID and compares ISO 8601
 * times as text, and must get byte order whatever locale the database was created with. Documents
 * are TEXT rather than JSONB so they come back byte for byte as they were stored.
 */
export const PG_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
  CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE agencies (
    agency_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    jurisdiction TEXT NOT NULL,
    signer TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    agency_id INTEGER,
    role TEXT NOT NULL CHECK (role IN ('issuer', 'auditor')),
    label TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    revoked_at TEXT COLLATE "C"
  );

  CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    agency_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    root TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('prepared', 'sent', 'anchored')),
    signer TEXT NOT NULL,
    nonce BIGINT,
    tx_hash TEXT,
    block_number BIGINT,
    created_at TEXT COLLATE "C" NOT NULL,
    anchored_at TEXT COLLATE "C"
  );
  CREATE INDEX batches_state ON batches (state);

  CREATE TABLE certificates (
    id TEXT COLLATE "C" PRIMARY KEY,
    agency_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    type_id INTEGER NOT NULL,
    leaf TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'anchored', 'failed')),
    batch_id BIGINT REFERENCES batches (id),
    leaf_index INTEGER,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
    status_reason TEXT,
    status_note TEXT,
    status_updated_at TEXT COLLATE "C",
    supersedes TEXT COLLATE "C",
    issued_by_key TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    anchored_at TEXT COLLATE "C"
  );
  CREATE INDEX certificates_unbatched ON certificates (agency_id, type_id, id) WHERE batch_id IS NULL;
  CREATE INDEX certificates_batch ON certificates (batch_id, leaf_index);
  CREATE INDEX certificates_agency ON certificates (agency_id, id);
  CREATE INDEX certificates_status ON certificates (status, id) WHERE status <> 'active';
  CREATE INDEX certificates_supersedes ON certificates (supersedes) WHERE supersedes IS NOT NULL;

  CREATE TABLE status_ops (
    id BIGSERIAL PRIMARY KEY,
    certificate_id TEXT COLLATE "C" NOT NULL REFERENCES certificates (id),
    kind TEXT NOT NULL CHECK (kind IN ('revoke', 'suspend', 'reinstate')),
    reason TEXT,
    note TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'done', 'failed')),
    signer TEXT NOT NULL,
    nonce BIGINT,
    tx_hash TEXT,
    block_number BIGINT,
    error TEXT,
    requested_by TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    done_at TEXT COLLATE "C"
  );
  CREATE INDEX status_ops_state ON status_ops (state);
  CREATE INDEX status_ops_certificate ON status_ops (certificate_id, id);

  CREATE TABLE idempotency (
    api_key_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (api_key_id, key)
  );

  CREATE SEQUENCE lease_tokens;
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    token BIGINT NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL
  );
  `,
  },
  {
    version: 2,
    sql: `
  CREATE TABLE holder_access (
    certificate_id TEXT COLLATE "C" PRIMARY KEY REFERENCES certificates (id),
    secret_hash TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    revoked_at TEXT COLLATE "C"
  );

  CREATE TABLE presentations (
    id TEXT COLLATE "C" PRIMARY KEY,
    certificate_id TEXT COLLATE "C" NOT NULL REFERENCES certificates (id),
    token_hash TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    withdrawn_at TEXT COLLATE "C"
  );
  CREATE INDEX presentations_code ON presentations (code_hash, created_at);
  CREATE INDEX presentations_certificate ON presentations (certificate_id, created_at);
  CREATE INDEX presentations_expiry ON presentations (expires_at);

  CREATE TABLE usage_traces (
    id TEXT COLLATE "C" PRIMARY KEY,
    certificate_id TEXT COLLATE "C" NOT NULL REFERENCES certificates (id),
    at TEXT COLLATE "C" NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('static-qr', 'live-qr', 'live-code', 'document')),
    status TEXT NOT NULL,
    presentation_id TEXT
  );
  CREATE INDEX usage_traces_certificate ON usage_traces (certificate_id, at);
  CREATE INDEX usage_traces_at ON usage_traces (at);
  `,
  },
  { version: 3, sql: ONE_UNFINISHED_STATUS_OP_MIGRATION },
  {
    // as SQLite's: counting certificates still waiting, listing an agency's revoked or suspended ones, at
    // any size (certificates_status of version 1 already serves the list across agencies)
    version: 4,
    sql: `
  CREATE INDEX certificates_unanchored ON certificates (state) WHERE state <> 'anchored';
  CREATE INDEX certificates_agency_not_active ON certificates (agency_id, status, id) WHERE status <> 'active';
  `,
  },
  {
    // A document (about 4 KB of salts and hashes) is compressed when written, twice in an issuance's
    // life, and decompressed when read: lz4 wrote a batch's proofs in 126 ms where the default pglz
    // took 181 (medians of ten batches of 1,000). Rows written before keep pglz, which any server
    // reads. A server built without lz4 (or older than 14) keeps pglz: a notice, not a failure.
    version: 5,
    sql: `
  DO $$
  BEGIN
    EXECUTE 'ALTER TABLE certificates ALTER COLUMN document SET COMPRESSION lz4';
  EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'documents stay compressed with pglz: %', SQLERRM;
  END
  $$;
  `,
  },
  {
    // as SQLite's: an anchored certificate's proof nodes beside its document and the deployment in
    // its batch, so anchoring writes 32 bytes a level instead of (compressing) the whole document again
    version: 6,
    sql: `
  ALTER TABLE certificates ADD COLUMN proof BYTEA;
  ALTER TABLE batches ADD COLUMN chain_id INTEGER, ADD COLUMN ledger TEXT;
  `,
  },
  {
    // as SQLite's: no unique index on leaf hashes, which no query reads; random leaves put each
    // insert on a random page of it (a repeated leaf within a batch is refused when its tree is built)
    version: 7,
    sql: `
  ALTER TABLE certificates DROP CONSTRAINT certificates_leaf_key;
  `,
  },
  {
    // as SQLite's (its migration 7): documents in a table of their own, written once. A document of
    // 1.4 KB stays in its row uncompressed (PostgreSQL compresses or moves a value out of line only
    // when the row passes about 2 KB), so putting a certificate in a batch, then marking it anchored,
    // each copied the whole 2 KB row version and wrote it to the WAL. Every certificate has its
    // document: the key refers to it.
    version: 8,
    sql: `
  CREATE TABLE certificate_documents (id TEXT COLLATE "C" PRIMARY KEY, document TEXT NOT NULL);
  DO $$
  BEGIN
    EXECUTE 'ALTER TABLE certificate_documents ALTER COLUMN document SET COMPRESSION lz4';
  EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'documents stay compressed with pglz: %', SQLERRM;
  END
  $$;
  INSERT INTO certificate_documents (id, document) SELECT id, document FROM certificates;
  ALTER TABLE certificates DROP COLUMN document;
  ALTER TABLE certificates ADD CONSTRAINT certificates_document FOREIGN KEY (id) REFERENCES certificate_documents (id);
  `,
  },
  {
    // A batch's members are read by batch_id = $1, which no certificate outside a batch matches. Every
    // row waiting for its batch sat in this index under NULL, and so did the dead version each cut
    // left behind until vacuum came: a bitmap scan for "batch_id IS NULL" then visited every
    // certificate ever cut. Without those entries an insert also writes one index entry fewer.
    version: 9,
    sql: `
  DROP INDEX certificates_batch;
  CREATE INDEX certificates_batch ON certificates (batch_id, leaf_index) WHERE batch_id IS NOT NULL;
  `,
  },
];
