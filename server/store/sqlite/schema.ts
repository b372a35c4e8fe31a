import { ONE_UNFINISHED_STATUS_OP_MIGRATION } from "../oneUnfinishedStatusOp.ts";
import { HOLDER_MIGRATION } from "./holderSchema.ts";

/**
 * An anchored certificate's proof nodes beside its document (see proofNodes.ts), and the deployment
 * its batch was anchored on: anchoring wrote every document of the batch again, 2–3 KB each, to add
 * a block of about 1 KB. A read puts the block together. Documents anchored before this migration
 * keep the block inside them, and their `proof` stays NULL.
 */
export const PROOF_COLUMN_MIGRATION = `
  ALTER TABLE certificates ADD COLUMN proof BLOB;
  ALTER TABLE batches ADD COLUMN chain_id INTEGER;
  ALTER TABLE batches ADD COLUMN ledger TEXT;
`;

/**
 * Documents in a table of their own, written once. A document of 2–3 KB made its certificate's row
 * a page of its own, so putting a certificate in a batch and then marking it anchored wrote that
 * page twice more; without the document a row is about 300 bytes and a page holds a dozen (the
 * three writes of 1,000 certificates alone: 105–125 ms with the document in the row, 52–77 ms
 * apart, measured). Documents are keyed by an INTEGER PRIMARY KEY, which VACUUM keeps, and not by
 * the certificate's rowid, which it may renumber. Rewrites every certificate once.
 */
export const DOCUMENTS_APART_MIGRATION = `
  CREATE TABLE certificate_documents (id INTEGER PRIMARY KEY, document TEXT NOT NULL);
  ALTER TABLE certificates ADD COLUMN document_id INTEGER REFERENCES certificate_documents (id);
  INSERT INTO certificate_documents (id, document) SELECT rowid, document FROM certificates;
  UPDATE certificates SET document_id = rowid;
  ALTER TABLE certificates DROP COLUMN document;
`;

/**
 * The certificates table rebuilt without the unique index on leaf hashes (SQLite cannot drop a
 * column's UNIQUE otherwise). No query looks a certificate up by its leaf, and a leaf is random
 * (every field salted with 128 random bits), so the index placed each insert on a random page of
 * its own: issuing 1,000 certificates into a store of 40,000 wrote 10 MB with it and 4 MB without
 * (database and WAL, measured). A repeated leaf within a batch is still refused where it would do
 * harm, when the batch's tree is built. `document_id`, added by the migration before, becomes NOT
 * NULL; rowids, columns, their order and the other indexes stay as they were. Runs with foreign
 * keys off, as SQLite's procedure for changing a table requires (see SqliteDatabase.migrate).
 */
export const NO_LEAF_INDEX_MIGRATION = `
  CREATE TABLE certificates_rebuilt (
    id TEXT PRIMARY KEY,
    agency_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    type_id INTEGER NOT NULL,
    leaf TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'anchored', 'failed')),
    batch_id INTEGER REFERENCES batches (id),
    leaf_index INTEGER,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
    status_reason TEXT,
    status_note TEXT,
    status_updated_at TEXT,
    supersedes TEXT,
    issued_by_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    anchored_at TEXT,
    proof BLOB,
    document_id INTEGER NOT NULL REFERENCES certificate_documents (id)
  );
  INSERT INTO certificates_rebuilt (rowid, id, agency_id, type, type_id, leaf, state, batch_id, leaf_index, status,
    status_reason, status_note, status_updated_at, supersedes, issued_by_key, created_at, anchored_at, proof, document_id)
  SELECT rowid, id, agency_id, type, type_id, leaf, state, batch_id, leaf_index, status,
    status_reason, status_note, status_updated_at, supersedes, issued_by_key, created_at, anchored_at, proof, document_id
  FROM certificates;
  DROP TABLE certificates;
  ALTER TABLE certificates_rebuilt RENAME TO certificates;
  CREATE INDEX certificates_unbatched ON certificates (agency_id, type_id, id) WHERE batch_id IS NULL;
  CREATE INDEX certificates_batch ON certificates (batch_id, leaf_index);
  CREATE INDEX certificates_agency ON certificates (agency_id, id);
  CREATE INDEX certificates_supersedes ON certificates (supersedes) WHERE supersedes IS NOT NULL;
  CREATE INDEX certificates_unanchored ON certificates (state) WHERE state <> 'anchored';
  CREATE INDEX certificates_not_active ON certificates (status, id) WHERE status <> 'active';
  CREATE INDEX certificates_agency_not_active ON certificates (agency_id, status, id) WHERE status <> 'active';
`;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
 * Append new migrations, never edit a released one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE agencies (
    agency_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    jurisdiction TEXT NOT NULL,
    signer TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    agency_id INTEGER,
    role TEXT NOT NULL CHECK (role IN ('issuer', 'auditor')),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );

  CREATE TABLE batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    root TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('prepared', 'sent', 'anchored')),
    signer TEXT NOT NULL,
    nonce INTEGER,
    tx_hash TEXT,
    block_number INTEGER,
    created_at TEXT NOT NULL,
    anchored_at TEXT
  );
  CREATE INDEX batches_state ON batches (state);

  CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    agency_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    type_id INTEGER NOT NULL,
    leaf TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'anchored', 'failed')),
    batch_id INTEGER REFERENCES batches (id),
    leaf_index INTEGER,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
    status_reason TEXT,
    status_note TEXT,
    status_updated_at TEXT,
    supersedes TEXT,
    issued_by_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    anchored_at TEXT
  );
  CREATE INDEX certificates_unbatched ON certificates (agency_id, type_id, id) WHERE batch_id IS NULL;
  CREATE INDEX certificates_batch ON certificates (batch_id, leaf_index);
  CREATE INDEX certificates_agency ON certificates (agency_id, id);
  CREATE INDEX certificates_supersedes ON certificates (supersedes) WHERE supersedes IS NOT NULL;

  CREATE TABLE status_ops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    kind TEXT NOT NULL CHECK (kind IN ('revoke', 'suspend', 'reinstate')),
    reason TEXT,
    note TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'done', 'failed')),
    signer TEXT NOT NULL,
    nonce INTEGER,
    tx_hash TEXT,
    block_number INTEGER,
    error TEXT,
    requested_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at TEXT
  );
  CREATE INDEX status_ops_state ON status_ops (state);
  CREATE INDEX status_ops_certificate ON status_ops (certificate_id, id);

  CREATE TABLE idempotency (
    api_key_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (api_key_id, key)
  );
  `,
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    token INTEGER NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL
  );
  `,
  HOLDER_MIGRATION,
  ONE_UNFINISHED_STATUS_OP_MIGRATION,
  // A store of millions: certificates still waiting to be anchored, and those revoked or
  // suspended, are few; these partial indexes let counting the one and listing the other (a
  // readiness probe, the start's check of lost statuses) read those few instead of every row.
  `
  CREATE INDEX certificates_unanchored ON certificates (state) WHERE state <> 'anchored';
  CREATE INDEX certificates_not_active ON certificates (status, id) WHERE status <> 'active';
  CREATE INDEX certificates_agency_not_active ON certificates (agency_id, status, id) WHERE status <> 'active';
  `,
  PROOF_COLUMN_MIGRATION,
  DOCUMENTS_APART_MIGRATION,
  NO_LEAF_INDEX_MIGRATION,
];
