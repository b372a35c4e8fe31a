/** The holder's tables (see `HolderStore`): plain SQL, text ids and ISO 8601 times. */
export const HOLDER_MIGRATION = `
  CREATE TABLE holder_access (
    certificate_id TEXT PRIMARY KEY REFERENCES certificates (id),
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );

  CREATE TABLE presentations (
    id TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    token_hash TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    withdrawn_at TEXT
  );
  CREATE INDEX presentations_code ON presentations (code_hash, created_at);
  CREATE INDEX presentations_certificate ON presentations (certificate_id, created_at);
  CREATE INDEX presentations_expiry ON presentations (expires_at);

  CREATE TABLE usage_traces (
    id TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    at TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('static-qr', 'live-qr', 'live-code', 'document')),
    status TEXT NOT NULL,
    presentation_id TEXT
  );
  CREATE INDEX usage_traces_certificate ON usage_traces (certificate_id, at);
  CREATE INDEX usage_traces_at ON usage_traces (at);
`;
