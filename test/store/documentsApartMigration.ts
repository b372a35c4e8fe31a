import { expect } from "chai";
import type { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { issuedAfterMigration } from "./proofColumnMigration.ts";

const certificate = (n: number, subject: Record<string, string>) => ({
  id: `01APART${String(n).padStart(19, "0")}`,
  subject,
});

/** Documents a migration could mix up: quotes, escapes, a NUL, CJK and an emoji; one carries its block inside. */
const PENDING = [
  certificate(1, { companyName: '甲公司 "引号" \\ 反斜杠' }),
  certificate(2, { companyName: "乙\u0000公司 🏢" }),
];
const NODES = [`0x${"a1".repeat(32)}`, `0x${"b2".repeat(32)}`];
const ANCHORED = certificate(3, { companyName: "丙公司" });
const LEGACY = { ...certificate(4, { companyName: "丁公司" }), proof: { root: `0x${"11".repeat(32)}`, index: 1 } };

const sqlText = (value: unknown) => `'${JSON.stringify(value).replaceAll("'", "''")}'`;

/**
 * Rows as a release before documents had their own table left them (SQLite's schema after the
 * proof column). The rowids are out of the ids' order, so a migration matching rows to documents
 * by position instead of by row shows.
 */
export const ROWS_BEFORE_DOCUMENTS_APART = `
  INSERT INTO batches (id, agency_id, type_id, root, size, state, signer, tx_hash, block_number, created_at, anchored_at, chain_id, ledger)
  VALUES (1, 1, 0, '0x${"11".repeat(32)}', 2, 'anchored', 's', '0x${"77".repeat(32)}', 5, '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:01.000Z', 31337, '0x${"66".repeat(20)}');
  INSERT INTO certificates (rowid, id, agency_id, type, type_id, leaf, document, state, batch_id, leaf_index, issued_by_key, created_at, anchored_at, proof)
  VALUES
    (9, '${ANCHORED.id}', 1, 'business-licence', 0, '0x${"33".repeat(32)}', ${sqlText(ANCHORED)}, 'anchored', 1, 0, 'k',
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', X'${NODES.map((n) => n.slice(2)).join("")}'),
    (4, '${LEGACY.id}', 1, 'business-licence', 0, '0x${"34".repeat(32)}', ${sqlText(LEGACY)}, 'anchored', 1, 1, 'k',
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', NULL),
    (7, '${PENDING[0]?.id}', 1, 'business-licence', 0, '0x${"35".repeat(32)}', ${sqlText(PENDING[0])}, 'pending', NULL, NULL, 'k',
      '2026-01-01T00:00:02.000Z', NULL, NULL),
    (2, '${PENDING[1]?.id}', 1, 'business-licence', 0, '0x${"36".repeat(32)}', ${sqlText(PENDING[1])}, 'pending', NULL, NULL, 'k',
      '2026-01-01T00:00:03.000Z', NULL, NULL);
`;

/**
 * After the migration every certificate reads its own document as stored, the anchored one with
 * its block put together from its nodes; the rows hold no document any more, and a certificate
 * issued afterwards gets a document of its own.
 */
export async function expectDocumentsApart(
  store: SqliteStore,
  read: (sql: string) => Record<string, unknown>[],
): Promise<void> {
  for (const expected of [...PENDING, LEGACY]) {
    expect(JSON.stringify((await store.getCertificate(expected.id))?.document)).to.equal(JSON.stringify(expected));
  }
  expect((await store.getCertificate(ANCHORED.id))?.document).to.deep.equal({
    ...ANCHORED,
    proof: {
      root: `0x${"11".repeat(32)}`,
      proof: NODES,
      leaf: `0x${"33".repeat(32)}`,
      index: 0,
      chainId: 31337,
      ledger: `0x${"66".repeat(20)}`,
      txHash: `0x${"77".repeat(32)}`,
    },
  });
  expect((await store.batchMembers(1)).map((m) => m.id)).to.deep.equal([ANCHORED.id, LEGACY.id]);
  const columns = read("SELECT name FROM pragma_table_info('certificates')").map((r) => r.name);
  expect(columns).to.include("document_id").and.not.include("document");

  const issued = certificate(5, { companyName: "戊公司" });
  await store.insertCertificates([issuedAfterMigration(issued, `0x${"37".repeat(32)}`)]);
  expect((await store.getCertificate(issued.id))?.document).to.deep.equal(issued);
  expect(JSON.stringify((await store.getCertificate(PENDING[0]?.id ?? ""))?.document)).to.equal(
    JSON.stringify(PENDING[0]),
  );
}
