import { expect } from "chai";
import type { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { issuedAfterMigration } from "./proofColumnMigration.ts";

const ANCHORED = { id: "01REBUILT00000000000000009", subject: { companyName: "甲公司" } };
const SUCCESSOR = { id: "01REBUILT00000000000000004", subject: { companyName: "甲公司 (换发)" } };
const NODE = `0x${"a1".repeat(32)}`;

/**
 * Rows as a release with documents apart but leaves still unique left them: an anchored, revoked
 * certificate with a holder link, a presentation, a usage trace and its status operation, and a
 * pending successor. The rowids run against the ids' order and the document ids against both, so a
 * rebuild that matched rows by position would show.
 */
export const ROWS_BEFORE_NO_LEAF_INDEX = `
  INSERT INTO batches (id, agency_id, type_id, root, size, state, signer, tx_hash, block_number, created_at, anchored_at, chain_id, ledger)
  VALUES (1, 1, 0, '0x${"11".repeat(32)}', 1, 'anchored', 's', '0x${"77".repeat(32)}', 5, '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:01.000Z', 31337, '0x${"66".repeat(20)}');
  INSERT INTO certificate_documents (id, document)
  VALUES (3, '${JSON.stringify(SUCCESSOR)}'), (8, '${JSON.stringify(ANCHORED)}');
  INSERT INTO certificates (rowid, id, agency_id, type, type_id, leaf, state, batch_id, leaf_index, status, status_reason,
    status_note, status_updated_at, supersedes, issued_by_key, created_at, anchored_at, proof, document_id)
  VALUES
    (2, '${ANCHORED.id}', 1, 'business-licence', 0, '0x${"33".repeat(32)}', 'anchored', 1, 0, 'revoked', 'superseded',
      '换发', '2026-01-03T00:00:00.000Z', NULL, 'k', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', X'${NODE.slice(2)}', 8),
    (7, '${SUCCESSOR.id}', 1, 'business-licence', 0, '0x${"34".repeat(32)}', 'pending', NULL, NULL, 'active', NULL,
      NULL, NULL, '${ANCHORED.id}', 'k', '2026-01-02T00:00:00.000Z', NULL, NULL, 3);
  INSERT INTO holder_access (certificate_id, secret_hash, created_at) VALUES ('${ANCHORED.id}', 'h', '2026-01-01T00:00:00.000Z');
  INSERT INTO presentations (id, certificate_id, token_hash, code_hash, fields, created_at, expires_at)
  VALUES ('p1', '${ANCHORED.id}', 't', 'c', '[]', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
  INSERT INTO usage_traces (id, certificate_id, at, channel, status) VALUES ('u1', '${ANCHORED.id}', '2026-01-01T00:00:00.000Z', 'static-qr', 'VALID');
  INSERT INTO status_ops (certificate_id, kind, reason, state, signer, requested_by, created_at)
  VALUES ('${ANCHORED.id}', 'revoke', 'superseded', 'done', 's', 'k', '2026-01-03T00:00:00.000Z');
`;

/** The columns of `certificates` in order, as every migration before left them. */
const COLUMNS = [
  "id",
  "agency_id",
  "type",
  "type_id",
  "leaf",
  "state",
  "batch_id",
  "leaf_index",
  "status",
  "status_reason",
  "status_note",
  "status_updated_at",
  "supersedes",
  "issued_by_key",
  "created_at",
  "anchored_at",
  "proof",
  "document_id",
];

/**
 * After the rebuild every certificate reads as before (state, status, batch, successor, document
 * with its block), what points at certificates still finds them, the indexes are the ones before
 * but the leaves', foreign keys are enforced again, and issuance goes on.
 */
export async function expectRebuiltWithoutLeafIndex(
  store: SqliteStore,
  read: (sql: string) => Record<string, unknown>[],
): Promise<void> {
  const anchored = await store.getCertificate(ANCHORED.id);
  expect(anchored).to.deep.include({
    leaf: `0x${"33".repeat(32)}`,
    state: "anchored",
    batchId: 1,
    leafIndex: 0,
    status: "revoked",
    statusReason: "superseded",
    statusNote: "换发",
    statusUpdatedAt: "2026-01-03T00:00:00.000Z",
    anchoredAt: "2026-01-01T00:00:01.000Z",
  });
  expect(anchored?.document).to.deep.equal({
    ...ANCHORED,
    proof: {
      root: `0x${"11".repeat(32)}`,
      proof: [NODE],
      leaf: `0x${"33".repeat(32)}`,
      index: 0,
      chainId: 31337,
      ledger: `0x${"66".repeat(20)}`,
      txHash: `0x${"77".repeat(32)}`,
    },
  });
  expect(await store.getCertificate(SUCCESSOR.id)).to.deep.include({
    document: SUCCESSOR,
    state: "pending",
    supersedes: ANCHORED.id,
  });
  expect(await store.findSuccessors(ANCHORED.id)).to.deep.equal([SUCCESSOR.id]);
  expect(await store.holder.getHolderAccess(ANCHORED.id)).to.include({ secretHash: "h" });
  expect((await store.statusHistory(ANCHORED.id)).map((op) => op.kind)).to.deep.equal(["revoke"]);

  expect(read("SELECT name FROM pragma_table_info('certificates')").map((r) => r.name)).to.deep.equal(COLUMNS);
  expect(read("SELECT rowid, id FROM certificates ORDER BY rowid")).to.deep.equal([
    { rowid: 2, id: ANCHORED.id },
    { rowid: 7, id: SUCCESSOR.id },
  ]);
  const indexes = read("SELECT name FROM pragma_index_list('certificates') ORDER BY name").map((r) => r.name);
  expect(indexes).to.deep.equal([
    "certificates_agency",
    "certificates_agency_not_active",
    "certificates_batch",
    "certificates_not_active",
    "certificates_supersedes",
    "certificates_unanchored",
    "certificates_unbatched",
    "sqlite_autoindex_certificates_1",
  ]);
  expect(read("SELECT name FROM pragma_index_info('sqlite_autoindex_certificates_1')")).to.deep.equal([{ name: "id" }]);
  expect(read("PRAGMA foreign_key_check")).to.deep.equal([]);

  await expectForeignKeysEnforced(store);
  const issued = { id: "01REBUILT00000000000000010", subject: { companyName: "乙公司" } };
  await store.insertCertificates([issuedAfterMigration(issued, `0x${"35".repeat(32)}`)]);
  expect((await store.getCertificate(issued.id))?.document).to.deep.equal(issued);
}

/** A holder link to a certificate that does not exist is refused: the migrations turned foreign keys back on. */
async function expectForeignKeysEnforced(store: SqliteStore): Promise<void> {
  const orphan = {
    certificateId: "01NOSUCHCERTIFICATE0000000",
    secretHash: "h",
    createdAt: "2026-01-04T00:00:00.000Z",
    revokedAt: null,
  };
  let refused: unknown = null;
  await store.holder.putHolderAccess([orphan]).catch((error: unknown) => (refused = error));
  expect(String(refused)).to.match(/FOREIGN KEY constraint failed/);
}
