import { expect } from "chai";
import { StatusOpPendingError } from "../../server/store/errors.ts";
import type { Store } from "../../server/store/port.ts";

/**
 * What the race left behind before the store allowed one unfinished status operation per
 * certificate, as rows of the schema before that migration (plain SQL both databases take).
 * a: pending, sent, pending; b: sent, sent; c: one pending; d: done, then pending.
 */
export const RACED_ROWS = `
  INSERT INTO certificates (id, agency_id, type, type_id, leaf, document, state, issued_by_key, created_at)
  VALUES ${["a", "b", "c", "d"]
    .map((c, i) => `('${c}', 1, 'business-licence', 0, '0x0${i}', '{}', 'anchored', 'k', '2026-01-01T00:00:00.000Z')`)
    .join(", ")};
  INSERT INTO status_ops (id, certificate_id, kind, state, signer, tx_hash, requested_by, created_at) VALUES
    (1, 'a', 'suspend', 'pending', 's', NULL, 'k', '2026-01-01T00:00:01.000Z'),
    (2, 'a', 'revoke', 'sent', 's', '0x02', 'k', '2026-01-01T00:00:01.000Z'),
    (3, 'a', 'revoke', 'pending', 's', NULL, 'k', '2026-01-01T00:00:01.000Z'),
    (4, 'b', 'suspend', 'sent', 's', '0x04', 'k', '2026-01-01T00:00:01.000Z'),
    (5, 'b', 'revoke', 'sent', 's', '0x05', 'k', '2026-01-01T00:00:01.000Z'),
    (6, 'c', 'suspend', 'pending', 's', NULL, 'k', '2026-01-01T00:00:01.000Z'),
    (7, 'd', 'suspend', 'done', 's', '0x07', 'k', '2026-01-01T00:00:01.000Z'),
    (8, 'd', 'reinstate', 'pending', 's', NULL, 'k', '2026-01-01T00:00:01.000Z');
`;

/**
 * After the migration: per certificate the sent operation (else the oldest) carries on, the others
 * failed saying why; settled operations and lone ones untouched; a further one refused.
 */
export async function expectOneUnfinishedKept(store: Store): Promise<void> {
  const states = Object.fromEntries(
    (await store.listStatusOps(["pending", "sent", "done", "failed"])).map((op) => [op.id, op.state]),
  );
  expect(states).to.deep.equal({
    1: "failed",
    2: "sent",
    3: "failed",
    4: "sent",
    5: "failed",
    6: "pending",
    7: "done",
    8: "pending",
  });
  for (const [certificate, kept] of [
    ["a", 2],
    ["b", 4],
    ["c", 6],
    ["d", 8],
  ] as const) {
    expect((await store.unfinishedStatusOp(certificate))?.id, certificate).to.equal(kept);
  }
  for (const id of [1, 3, 5]) expect((await store.getStatusOp(id))?.error).to.match(/^NotCarriedOut: /);
  const refused = await store
    .createStatusOp({
      certificateId: "a",
      kind: "revoke",
      reason: null,
      note: null,
      signer: "s",
      requestedBy: "k",
      createdAt: "2026-01-01T00:00:02.000Z",
    })
    .catch((error: unknown) => error);
  expect(refused).to.be.instanceOf(StatusOpPendingError);
}
