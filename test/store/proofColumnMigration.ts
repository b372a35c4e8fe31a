import { expect } from "chai";
import type { Store } from "../../server/store/port.ts";
import type { NewCertificate } from "../../server/store/records.ts";

/** A business licence issued after a migration ran, by agency 1, with `document` as it is stored. */
export const issuedAfterMigration = (document: { id: string }, leaf: string): NewCertificate => ({
  id: document.id,
  agencyId: 1,
  type: "business-licence",
  typeId: 0,
  leaf,
  document,
  supersedes: null,
  issuedByKey: "k",
  createdAt: "2026-01-02T00:00:00.000Z",
});

/**
 * A certificate anchored before proof blocks had a column of their own: its document carries the
 * block inside (plain SQL both databases take, against the schema before that migration).
 */
export const LEGACY_DOCUMENT = {
  id: "01LEGACY000000000000000000",
  subject: { companyName: "旧证书有限公司" },
  proof: { root: `0x${"11".repeat(32)}`, proof: [`0x${"22".repeat(32)}`], leaf: `0x${"33".repeat(32)}`, index: 0 },
};

export const ANCHORED_BEFORE_PROOF_COLUMN = `
  INSERT INTO batches (id, agency_id, type_id, root, size, state, signer, tx_hash, block_number, created_at, anchored_at)
  VALUES (1, 1, 0, '0x${"11".repeat(32)}', 1, 'anchored', 's', '0xaa', 5, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
  INSERT INTO certificates (id, agency_id, type, type_id, leaf, document, state, batch_id, leaf_index, issued_by_key, created_at, anchored_at)
  VALUES ('${LEGACY_DOCUMENT.id}', 1, 'business-licence', 0, '0x${"33".repeat(32)}', '${JSON.stringify(LEGACY_DOCUMENT)}',
    'anchored', 1, 0, 'k', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
`;

/**
 * After the migration: the older document reads as it was stored, proof and all, and so does the
 * batch's membership (what reconciliation reads); a certificate anchored now gets its block from
 * the new column, placed last as before.
 */
export async function expectLegacyProofsRead(store: Store): Promise<void> {
  const legacy = await store.getCertificate(LEGACY_DOCUMENT.id);
  expect(JSON.stringify(legacy?.document)).to.equal(JSON.stringify(LEGACY_DOCUMENT));
  expect((await store.batchMembers(1)).map((m) => m.document)).to.deep.equal([LEGACY_DOCUMENT]);
  const document = { id: "01NEW00000000000000000000", subject: { companyName: "新证书有限公司" } };
  await store.insertCertificates([issuedAfterMigration(document, `0x${"44".repeat(32)}`)]);
  const batch = await store.createBatch({
    agencyId: 1,
    typeId: 0,
    root: `0x${"55".repeat(32)}`,
    signer: "s",
    createdAt: "2026-01-02T00:00:00.000Z",
    members: [document.id],
  });
  const proof = {
    root: batch.root,
    proof: [`0x${"88".repeat(32)}`],
    leaf: `0x${"44".repeat(32)}`,
    index: 0,
    chainId: 31337,
    ledger: `0x${"66".repeat(20)}`,
    txHash: `0x${"77".repeat(32)}`,
  };
  await store.markBatchAnchored(batch.id, {
    txHash: proof.txHash,
    blockNumber: 6,
    anchoredAt: "2026-01-02T00:00:01.000Z",
    chainId: proof.chainId,
    ledger: proof.ledger,
    proofs: [{ id: document.id, proof: proof.proof }],
  });
  expect(JSON.stringify((await store.getCertificate(document.id))?.document)).to.equal(
    JSON.stringify({ ...document, proof }),
  );
}
