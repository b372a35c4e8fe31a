import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { monotonicFactory } from "ulid";
import { FencedOutError, StatusOpPendingError } from "../../server/store/errors.ts";
import { signerLeaseName, type Store } from "../../server/store/port.ts";
import type { AnchorProof, NewCertificate, StatusOpKind } from "../../server/store/records.ts";

/** A fresh, empty database per test, and further instances on that same database (other replicas). */
export interface StoreFixture {
  store: Store;
  another(): Promise<Store>;
  dispose(): Promise<void>;
}

const SIGNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER_SIGNER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const hex32 = (): string => `0x${randomBytes(32).toString("hex")}`;
const nextUlid = monotonicFactory();

const CHAIN_ID = 31337;
const LEDGER = `0x${"ab".repeat(20)}`;

/** Made-up proof nodes of the member at `index`: the store keeps them, checking only their form. */
function proofNodes(index: number): string[] {
  return [`0x${index.toString(16).padStart(64, "0")}`, `0x${"cd".repeat(32)}`];
}

/** The proof block a read shows for the member at `index` of the batch with `root`, anchored in `txHash`. */
function proofBlock(root: string, leaf: string, index: number, txHash: string): AnchorProof {
  return { root, proof: proofNodes(index), leaf, index, chainId: CHAIN_ID, ledger: LEDGER, txHash };
}

function certificate(over: Partial<NewCertificate> = {}): NewCertificate {
  const id = over.id ?? nextUlid();
  return {
    id,
    agencyId: 1,
    type: "business-licence",
    typeId: 0,
    leaf: hex32(),
    document: { id, subject: { companyName: "示例有限公司", note: "ünïcødé ✓" }, zeta: 1, alpha: [2, 1.5] },
    supersedes: null,
    issuedByKey: "key1",
    createdAt: new Date().toISOString(),
    ...over,
  };
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The behaviour every Store adapter owes the service, including what the code relies on without
 * saying so: ids (ULIDs) ordered as text, ISO times compared as text, all-or-nothing writes, and
 * the lease and fencing rules replicas rely on.
 */
export function storeConformance(open: () => Promise<StoreFixture>): void {
  let fx: StoreFixture;
  let store: Store;
  const extra: Store[] = [];

  beforeEach(async () => {
    fx = await open();
    store = fx.store;
  });

  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await fx.dispose();
  });

  const anotherReplica = async (): Promise<Store> => {
    const s = await fx.another();
    extra.push(s);
    return s;
  };

  async function anchoredCertificate(): Promise<{ id: string; batchId: number }> {
    const c = certificate();
    await store.insertCertificates([c]);
    const batch = await store.createBatch({
      agencyId: 1,
      typeId: 0,
      root: hex32(),
      signer: SIGNER,
      createdAt: c.createdAt,
      members: [c.id],
    });
    const txHash = hex32();
    await store.markBatchAnchored(batch.id, {
      txHash,
      blockNumber: 7,
      anchoredAt: c.createdAt,
      chainId: CHAIN_ID,
      ledger: LEDGER,
      proofs: [{ id: c.id, proof: proofNodes(0) }],
    });
    return { id: c.id, batchId: batch.id };
  }

  describe("records", () => {
    it("keeps meta values, replacing on a second write", async () => {
      expect(await store.getMeta("k")).to.equal(null);
      await store.setMeta("k", "one");
      await store.setMeta("k", "two");
      expect(await store.getMeta("k")).to.equal("two");
    });

    it("upserts agencies and lists them by id", async () => {
      const base = {
        name: "局",
        nameEn: null,
        jurisdiction: "110000",
        signer: SIGNER,
        createdAt: "2026-01-01T00:00:00.000Z",
      };
      await store.upsertAgency({ ...base, agencyId: 2 });
      await store.upsertAgency({ ...base, agencyId: 1 });
      await store.upsertAgency({ ...base, agencyId: 2, name: "新局", signer: OTHER_SIGNER });
      const list = await store.listAgencies();
      expect(list.map((a) => a.agencyId)).to.deep.equal([1, 2]);
      expect(await store.getAgency(2)).to.deep.include({ name: "新局", signer: OTHER_SIGNER });
      expect(await store.getAgency(3)).to.equal(null);
    });

    it("finds API keys by hash and revokes them once", async () => {
      await store.insertApiKey({
        id: "b",
        hash: "hb",
        agencyId: 1,
        role: "issuer",
        label: "x",
        createdAt: "2026-01-01T00:00:00.000Z",
        revokedAt: null,
      });
      await store.insertApiKey({
        id: "a",
        hash: "ha",
        agencyId: null,
        role: "auditor",
        label: "y",
        createdAt: "2026-01-01T00:00:00.000Z",
        revokedAt: null,
      });
      expect((await store.listApiKeys()).map((k) => k.id)).to.deep.equal(["a", "b"]);
      expect(await store.findApiKeyByHash("hb")).to.deep.include({ id: "b", agencyId: 1, role: "issuer" });
      expect(await store.revokeApiKey("b", "2026-02-01T00:00:00.000Z")).to.equal(true);
      expect(await store.revokeApiKey("b", "2026-03-01T00:00:00.000Z")).to.equal(false);
      expect((await store.findApiKeyByHash("hb"))?.revokedAt).to.equal("2026-02-01T00:00:00.000Z");
    });

    it("gives documents back exactly as stored: key order, numbers and text intact", async () => {
      const c = certificate();
      await store.insertCertificates([c]);
      const stored = await store.getCertificate(c.id);
      expect(JSON.stringify(stored?.document)).to.equal(JSON.stringify(c.document));
      // text a JSON encoder escapes, and one the database could mistake for its own escapes
      const awkward = certificate();
      awkward.document = {
        ...awkward.document,
        text: 'quote " backslash \\ \\u0041 nul \u0000 tab \t line \u2028 emoji 🧾 surrogate-free 𠀋',
        numbers: [0, -0.5, 1e21, 123456789012345680000, 5e-324],
      };
      await store.insertCertificates([awkward]);
      expect(JSON.stringify((await store.getCertificate(awkward.id))?.document)).to.equal(
        JSON.stringify(awkward.document),
      );
      const batch = await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        members: [awkward.id],
        signer: "0x0000000000000000000000000000000000000001",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      const proof = proofBlock(batch.root, awkward.leaf, 0, "0xaa");
      await store.markBatchAnchored(batch.id, {
        txHash: "0xaa",
        blockNumber: 1,
        anchoredAt: "2026-01-01T00:00:01.000Z",
        chainId: CHAIN_ID,
        ledger: LEDGER,
        proofs: [{ id: awkward.id, proof: proof.proof }],
      });
      const proved = { ...awkward.document, proof };
      expect(JSON.stringify((await store.getCertificate(awkward.id))?.document)).to.equal(JSON.stringify(proved));
      expect(stored).to.deep.include({
        id: c.id,
        agencyId: 1,
        typeId: 0,
        state: "pending",
        status: "active",
        batchId: null,
        leafIndex: null,
      });
    });

    it("inserts a request's certificates and its idempotency record all or none", async () => {
      const taken = certificate();
      await store.insertCertificates([taken]);
      const fresh = certificate();
      const clash = certificate({ id: taken.id });
      const idempotency = {
        apiKeyId: "key1",
        key: "req-1",
        requestHash: "h",
        response: { ok: true },
        createdAt: fresh.createdAt,
      };
      let failed = false;
      try {
        await store.insertCertificates([fresh, clash], idempotency);
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
      expect(await store.getCertificate(fresh.id)).to.equal(null);
      expect(await store.getIdempotency("key1", "req-1")).to.equal(null);
      await store.insertCertificates([fresh], idempotency);
      expect(await store.getIdempotency("key1", "req-1")).to.deep.include({ requestHash: "h", response: { ok: true } });
    });

    it("keeps requests inserted at the same moment apart: each all or none, a failing one costs the others nothing", async () => {
      const taken = certificate();
      await store.insertCertificates([taken]);
      const first = [certificate(), certificate()];
      const clashing = [certificate(), certificate({ id: taken.id })];
      const last = [certificate()];
      const idempotency = (key: string) => ({
        apiKeyId: "key1",
        key,
        requestHash: key,
        response: { key },
        createdAt: taken.createdAt,
      });
      const outcomes = await Promise.allSettled([
        store.insertCertificates(first, idempotency("together-1")),
        store.insertCertificates(clashing, idempotency("together-2")),
        store.insertCertificates(last, idempotency("together-3")),
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
      for (const c of [...first, ...last]) expect(await store.getCertificate(c.id), c.id).to.not.equal(null);
      expect(await store.getCertificate(clashing[0]!.id)).to.equal(null);
      expect(await store.getIdempotency("key1", "together-2")).to.equal(null);
      expect(await store.getIdempotency("key1", "together-3")).to.deep.include({ requestHash: "together-3" });
    });

    it("inserts thousands of certificates in one call", async () => {
      const many = Array.from({ length: 3000 }, () => certificate());
      await store.insertCertificates(many);
      expect((await store.countCertificates()).pending).to.equal(3000);
    });
  });

  describe("orderings the pipeline relies on", () => {
    it("pages certificates by id as text (ULIDs sort by creation), whatever the insertion order", async () => {
      const ids = Array.from({ length: 40 }, () => nextUlid());
      // byte-order edge: digits sort before letters, and the last characters decide
      ids.push("01ARZ3NDEKTSV4RRFFQ69G5FA0", "01ARZ3NDEKTSV4RRFFQ69G5FAZ", "01ARZ3NDEKTSV4RRFFQ69G5FA9");
      const shuffled = [...ids].sort(() => Math.random() - 0.5);
      for (const id of shuffled) await store.insertCertificates([certificate({ id })]);
      const expected = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.queryCertificates({ limit: 7, ...(after ? { after } : {}) });
        seen.push(...page.map((c) => c.id));
        if (page.length < 7) break;
        after = page.at(-1)?.id;
      }
      expect(seen).to.deep.equal(expected);
    });

    it("filters by creation time compared as ISO text, both bounds inclusive", async () => {
      const times = [
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:00:00.001Z",
        "2026-01-02T09:30:00.000Z",
        "2026-02-01T00:00:00.000Z",
      ];
      for (const createdAt of times) await store.insertCertificates([certificate({ createdAt })]);
      const within = await store.queryCertificates({ createdFrom: times[1], createdTo: times[2], limit: 10 });
      expect(within.map((c) => c.createdAt)).to.deep.equal([times[1], times[2]]);
    });

    it("filters by agency, type, state and status together", async () => {
      await store.insertCertificates([
        certificate({ agencyId: 2 }),
        certificate({ type: "diploma", typeId: 1 }),
        certificate(),
      ]);
      expect(await store.queryCertificates({ agencyId: 2, limit: 10 })).to.have.length(1);
      expect(
        await store.queryCertificates({
          agencyId: 1,
          type: "business-licence",
          state: "pending",
          status: "active",
          limit: 10,
        }),
      ).to.have.length(1);
      expect(await store.queryCertificates({ state: "anchored", limit: 10 })).to.have.length(0);
    });

    it("lists certificates without their documents, by each filter alone and through the cursor", async () => {
      const all = [
        certificate({ createdAt: "2026-03-01T00:00:00.000Z" }),
        certificate({ agencyId: 2, createdAt: "2026-03-02T00:00:00.000Z" }),
        certificate({ type: "diploma", typeId: 1, createdAt: "2026-03-03T00:00:00.000Z" }),
        certificate({ createdAt: "2026-03-04T00:00:00.000Z" }),
        certificate({ createdAt: "2026-03-05T00:00:00.000Z" }),
      ];
      await store.insertCertificates(all);
      const batch = await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        signer: SIGNER,
        createdAt: "2026-03-06T00:00:00.000Z",
        members: [all[3]!.id, all[4]!.id],
      });
      await store.markBatchSent(batch.id, 0, "0xaa");
      await store.markBatchAnchored(batch.id, {
        txHash: "0xaa",
        blockNumber: 7,
        anchoredAt: "2026-03-06T00:00:01.000Z",
        chainId: CHAIN_ID,
        ledger: LEDGER,
        proofs: [all[3]!, all[4]!].map((c, i) => ({ id: c.id, proof: proofNodes(i) })),
      });
      const op = await store.createStatusOp({
        certificateId: all[4]!.id,
        kind: "suspend",
        reason: null,
        note: "checking",
        signer: SIGNER,
        requestedBy: "k",
        createdAt: "2026-03-07T00:00:00.000Z",
      });
      await store.completeStatusOp(op.id, {
        txHash: "0xbb",
        blockNumber: 8,
        doneAt: "2026-03-07T00:00:01.000Z",
        status: "suspended",
        statusReason: "other",
      });

      const listed = await store.queryCertificates({ limit: 10 });
      expect(listed.map((c) => c.id)).to.deep.equal(all.map((c) => c.id));
      for (const summary of listed) {
        expect(summary).to.not.have.property("document");
        const whole: Record<string, unknown> = { ...(await store.getCertificate(summary.id)) };
        delete whole.document;
        expect(summary).to.deep.equal(whole);
      }
      const ids = (indexes: number[]) => indexes.map((i) => all[i]!.id);
      const found = async (q: Parameters<Store["queryCertificates"]>[0]) =>
        (await store.queryCertificates(q)).map((c) => c.id);
      expect(await found({ agencyId: 2, limit: 10 })).to.deep.equal(ids([1]));
      expect(await found({ type: "diploma", limit: 10 })).to.deep.equal(ids([2]));
      expect(await found({ state: "anchored", limit: 10 })).to.deep.equal(ids([3, 4]));
      expect(await found({ state: "pending", limit: 10 })).to.deep.equal(ids([0, 1, 2]));
      expect(await found({ status: "suspended", limit: 10 })).to.deep.equal(ids([4]));
      expect(await found({ status: "active", limit: 10 })).to.deep.equal(ids([0, 1, 2, 3]));
      expect(await found({ createdFrom: "2026-03-02T00:00:00.000Z", limit: 10 })).to.deep.equal(ids([1, 2, 3, 4]));
      expect(await found({ createdTo: "2026-03-02T00:00:00.000Z", limit: 10 })).to.deep.equal(ids([0, 1]));
      expect(await found({ after: all[1]!.id, limit: 2 })).to.deep.equal(ids([2, 3]));
      expect(await found({ agencyId: 1, after: all[0]!.id, limit: 2 })).to.deep.equal(ids([2, 3]));
      expect(await found({ state: "anchored", after: all[3]!.id, limit: 10 })).to.deep.equal(ids([4]));
    });

    it("finds revoked and suspended certificates by status, with or without the agency, paging by id", async () => {
      const all = [
        certificate(),
        certificate({ agencyId: 2 }),
        certificate(),
        certificate(),
        certificate({ agencyId: 2 }),
      ];
      await store.insertCertificates(all);
      const set = async (index: number, status: "revoked" | "suspended") => {
        const op = await store.createStatusOp({
          certificateId: all[index]!.id,
          kind: status === "revoked" ? "revoke" : "suspend",
          reason: null,
          note: null,
          signer: SIGNER,
          requestedBy: "k",
          createdAt: "2026-01-01T00:00:00.000Z",
        });
        await store.completeStatusOp(op.id, {
          txHash: "0xdd",
          blockNumber: 1,
          doneAt: "2026-01-01T00:00:01.000Z",
          status,
          statusReason: null,
        });
      };
      await set(0, "revoked");
      await set(1, "revoked");
      await set(3, "revoked");
      await set(2, "suspended");
      const ids = (indexes: number[]) => indexes.map((i) => all[i]!.id);
      const found = async (q: Parameters<Store["queryCertificates"]>[0]) =>
        (await store.queryCertificates(q)).map((c) => c.id);
      expect(await found({ status: "revoked", limit: 2 })).to.deep.equal(ids([0, 1]));
      expect(await found({ status: "revoked", after: all[1]!.id, limit: 2 })).to.deep.equal(ids([3]));
      expect(await found({ status: "revoked", agencyId: 1, limit: 10 })).to.deep.equal(ids([0, 3]));
      expect(await found({ status: "suspended", limit: 10 })).to.deep.equal(ids([2]));
      expect(await found({ status: "active", limit: 10 })).to.deep.equal(ids([4]));
    });

    it("names successors newest first", async () => {
      const first = certificate();
      await store.insertCertificates([first]);
      const a = certificate({ supersedes: first.id });
      const b = certificate({ supersedes: first.id });
      await store.insertCertificates([a]);
      await store.insertCertificates([b]);
      expect(await store.findSuccessors(first.id)).to.deep.equal([b.id, a.id]);
    });

    it("gives a certificate's standing and successors in one read, without its document", async () => {
      const first = certificate();
      await store.insertCertificates([first]);
      expect(await store.getCertificateStanding(first.id)).to.deep.equal({
        id: first.id,
        leaf: first.leaf,
        state: "pending",
        status: "active",
        statusUpdatedAt: null,
        anchoredAt: null,
        successors: [],
      });
      const a = certificate({ supersedes: first.id });
      const b = certificate({ supersedes: first.id });
      await store.insertCertificates([a, b]);
      expect((await store.getCertificateStanding(first.id))?.successors).to.deep.equal([a.id, b.id].sort().reverse());
      expect(await store.getCertificateStanding(certificate().id)).to.equal(null);
    });

    it("groups unbatched pending certificates per agency and type, oldest time first, and takes them oldest first", async () => {
      const old = certificate({ createdAt: "2026-01-01T00:00:00.000Z" });
      const newer = certificate({ createdAt: "2026-01-01T00:00:01.000Z" });
      const other = certificate({ agencyId: 2 });
      await store.insertCertificates([newer]);
      await store.insertCertificates([old, other]);
      const groups = await store.pendingGroups();
      const mine = groups.find((g) => g.agencyId === 1 && g.typeId === 0);
      expect(mine).to.deep.equal({ agencyId: 1, typeId: 0, count: 2, oldestCreatedAt: "2026-01-01T00:00:00.000Z" });
      expect(groups).to.have.length(2);
      // by id: the ULID made first sorts first, whatever the insertion order
      const taken = await store.takePending(1, 0, 1);
      expect(taken.map((c) => c.id)).to.deep.equal([old.id]);
    });
  });

  describe("batches", () => {
    it("records a batch with each member's leaf index in the given order", async () => {
      const members = [certificate(), certificate(), certificate()];
      await store.insertCertificates(members);
      const order = [members[2]?.id ?? "", members[0]?.id ?? "", members[1]?.id ?? ""];
      const batch = await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        signer: SIGNER,
        createdAt: new Date().toISOString(),
        members: order,
      });
      expect(batch).to.deep.include({ state: "prepared", size: 3, nonce: null, txHash: null });
      expect((await store.batchMembers(batch.id)).map((m) => [m.id, m.leafIndex])).to.deep.equal(
        order.map((id, i) => [id, i]),
      );
      const leafOf = new Map(members.map((m) => [m.id, m.leaf]));
      expect(await store.batchLeaves(batch.id)).to.deep.equal(order.map((id) => ({ id, leaf: leafOf.get(id) })));
      expect(await store.pendingGroups()).to.deep.equal([]);
    });

    it("creates a batch atomically: a member already batched leaves everything as it was", async () => {
      const [a, b, c] = [certificate(), certificate(), certificate()];
      await store.insertCertificates([a, b, c]);
      await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        signer: SIGNER,
        createdAt: a.createdAt,
        members: [b.id],
      });
      const root = hex32();
      let failed = false;
      try {
        await store.createBatch({
          agencyId: 1,
          typeId: 0,
          root,
          signer: SIGNER,
          createdAt: a.createdAt,
          members: [a.id, b.id, c.id],
        });
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
      expect(await store.getBatchByRoot(root)).to.equal(null);
      expect((await store.getCertificate(a.id))?.batchId).to.equal(null);
      expect((await store.getCertificate(c.id))?.batchId).to.equal(null);
    });

    it("refuses a repeated root", async () => {
      const [a, b] = [certificate(), certificate()];
      await store.insertCertificates([a, b]);
      const root = hex32();
      await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root,
        signer: SIGNER,
        createdAt: a.createdAt,
        members: [a.id],
      });
      let failed = false;
      await store
        .createBatch({ agencyId: 1, typeId: 0, root, signer: SIGNER, createdAt: a.createdAt, members: [b.id] })
        .catch(() => {
          failed = true;
        });
      expect(failed).to.equal(true);
      expect((await store.getCertificate(b.id))?.batchId).to.equal(null);
    });

    it("goes prepared → sent → anchored, storing proofs; never back to sent once anchored; unsent keeps leaf indices", async () => {
      const c = certificate();
      await store.insertCertificates([c]);
      const batch = await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        signer: SIGNER,
        createdAt: c.createdAt,
        members: [c.id],
      });
      await store.markBatchSent(batch.id, 4, "0xaa");
      expect(await store.getBatch(batch.id)).to.deep.include({ state: "sent", nonce: 4, txHash: "0xaa" });
      await store.markBatchUnsent(batch.id);
      expect(await store.getBatch(batch.id)).to.deep.include({ state: "prepared", nonce: null, txHash: null });
      expect((await store.getCertificate(c.id))?.leafIndex).to.equal(0);
      await store.markBatchSent(batch.id, 5, "0xbb");
      const proved = { ...c.document, proof: proofBlock(batch.root, c.leaf, 0, "0xbb") };
      await store.markBatchAnchored(batch.id, {
        txHash: "0xbb",
        blockNumber: 9,
        anchoredAt: "2026-01-01T00:00:02.000Z",
        chainId: CHAIN_ID,
        ledger: LEDGER,
        proofs: [{ id: c.id, proof: proved.proof.proof }],
      });
      await store.markBatchSent(batch.id, 6, "0xcc");
      expect(await store.getBatch(batch.id)).to.deep.include({ state: "anchored", txHash: "0xbb", blockNumber: 9 });
      const stored = await store.getCertificate(c.id);
      expect(stored).to.deep.include({ state: "anchored", anchoredAt: "2026-01-01T00:00:02.000Z" });
      expect(stored?.document).to.deep.equal(proved);
      expect((await store.listBatches(["anchored"])).map((b) => b.id)).to.deep.equal([batch.id]);
      expect(await store.listBatches(["prepared", "sent"])).to.deep.equal([]);
      expect(await store.countCertificates()).to.deep.equal({ pending: 0, anchored: 1, failed: 0 });
    });
    /** A prepared batch of `members`, already stored. */
    const batchOf = (members: NewCertificate[]) =>
      store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        signer: SIGNER,
        createdAt: members[0]!.createdAt,
        members: members.map((m) => m.id),
      });

    it("refuses a proof node that is not a lowercase bytes32, recording nothing of that anchoring", async () => {
      const members = [certificate(), certificate()];
      await store.insertCertificates(members);
      const batch = await batchOf(members);
      for (const bad of [`0x${"AB".repeat(32)}`, `0x${"ab".repeat(31)}`, "ab".repeat(32), `0x${"ab".repeat(32)}00`]) {
        let error: unknown;
        await store
          .markBatchAnchored(batch.id, {
            txHash: "0xaa",
            blockNumber: 3,
            anchoredAt: "2026-01-01T00:00:02.000Z",
            chainId: CHAIN_ID,
            ledger: LEDGER,
            proofs: [
              { id: members[0]!.id, proof: proofNodes(0) },
              { id: members[1]!.id, proof: [...proofNodes(1), bad] },
            ],
          })
          .catch((e: unknown) => {
            error = e;
          });
        expect(error, bad).to.be.instanceOf(TypeError);
      }
      expect(await store.getBatch(batch.id)).to.deep.include({ state: "prepared", txHash: null });
      for (const m of members)
        expect(await store.getCertificate(m.id)).to.deep.include({ state: "pending", document: m.document });
    });

    it("counts members as pending until their batch is anchored, and again once it is unsent", async () => {
      const members = [certificate(), certificate()];
      await store.insertCertificates([...members, certificate()]);
      const batch = await batchOf(members);
      expect(await store.countCertificates()).to.deep.equal({ pending: 3, anchored: 0, failed: 0 });
      await store.markBatchSent(batch.id, 1, "0xaa");
      await store.markBatchAnchored(batch.id, {
        txHash: "0xaa",
        blockNumber: 3,
        anchoredAt: "2026-01-01T00:00:02.000Z",
        chainId: CHAIN_ID,
        ledger: LEDGER,
        proofs: members.map((m, i) => ({ id: m.id, proof: proofNodes(i) })),
      });
      expect(await store.countCertificates()).to.deep.equal({ pending: 1, anchored: 2, failed: 0 });
      expect((await store.getCertificate(members[1]!.id))?.document).to.deep.equal({
        ...members[1]!.document,
        proof: proofBlock(batch.root, members[1]!.leaf, 1, "0xaa"),
      });
      await store.markBatchUnsent(batch.id);
      expect(await store.countCertificates()).to.deep.equal({ pending: 3, anchored: 0, failed: 0 });
      // the blocks pointed at a transaction the chain lost: a pending certificate shows none
      for (const m of members) expect((await store.getCertificate(m.id))?.document).to.deep.equal(m.document);
      expect((await store.batchMembers(batch.id)).map((m) => m.document)).to.deep.equal(members.map((m) => m.document));
    });
  });

  describe("status operations", () => {
    it("completes an operation and the certificate's status together; a done one never turns failed", async () => {
      const { id } = await anchoredCertificate();
      const op = await store.createStatusOp({
        certificateId: id,
        kind: "revoke",
        reason: "keyCompromise",
        note: "n",
        signer: SIGNER,
        requestedBy: "k",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      expect(op.state).to.equal("pending");
      await store.markStatusOpSent(op.id, 3, "0xdd");
      await store.completeStatusOp(op.id, {
        txHash: "0xdd",
        blockNumber: 10,
        doneAt: "2026-01-01T00:00:01.000Z",
        status: "revoked",
        statusReason: "keyCompromise",
      });
      await store.failStatusOp(op.id, "late failure");
      await store.markStatusOpUnsent(op.id);
      expect(await store.getStatusOp(op.id)).to.deep.include({ state: "done", txHash: "0xdd", error: null });
      expect(await store.getCertificate(id)).to.deep.include({
        status: "revoked",
        statusReason: "keyCompromise",
        statusNote: "n",
        statusUpdatedAt: "2026-01-01T00:00:01.000Z",
      });
      expect((await store.statusHistory(id)).map((o) => o.id)).to.deep.equal([op.id]);
      expect(await store.listStatusOps(["pending", "sent"])).to.deep.equal([]);
    });

    it("lists unfinished operations oldest first and puts a sent one back to pending", async () => {
      const { id } = await anchoredCertificate();
      const { id: otherId } = await anchoredCertificate();
      const base = {
        certificateId: id,
        reason: null,
        note: null,
        signer: SIGNER,
        requestedBy: "k",
        createdAt: "2026-01-01T00:00:00.000Z",
      };
      const first = await store.createStatusOp({ ...base, kind: "suspend" });
      const second = await store.createStatusOp({ ...base, certificateId: otherId, kind: "revoke" });
      await store.markStatusOpSent(first.id, 1, "0x01");
      expect((await store.listStatusOps(["pending", "sent"])).map((o) => [o.id, o.state])).to.deep.equal([
        [first.id, "sent"],
        [second.id, "pending"],
      ]);
      await store.markStatusOpUnsent(first.id);
      expect(await store.getStatusOp(first.id)).to.deep.include({ state: "pending", nonce: null, txHash: null });
      await store.failStatusOp(second.id, "CertificateLedgerInvalidProof");
      expect(await store.getStatusOp(second.id)).to.deep.include({
        state: "failed",
        error: "CertificateLedgerInvalidProof",
      });
      expect(await store.statusHistory(id)).to.deep.equal([]);
    });

    const change = (certificateId: string, kind: StatusOpKind) => ({
      certificateId,
      kind,
      reason: null,
      note: null,
      signer: SIGNER,
      requestedBy: "k",
      createdAt: "2026-01-01T00:00:00.000Z",
    });

    it("finds a certificate's unfinished operation, pending or sent, and none once it is done or failed", async () => {
      const { id } = await anchoredCertificate();
      const { id: otherId } = await anchoredCertificate();
      expect(await store.unfinishedStatusOp(id)).to.equal(null);
      const suspend = await store.createStatusOp(change(id, "suspend"));
      await store.createStatusOp(change(otherId, "revoke"));
      expect(await store.unfinishedStatusOp(id)).to.deep.include({ id: suspend.id, state: "pending" });
      await store.markStatusOpSent(suspend.id, 1, "0x01");
      expect(await store.unfinishedStatusOp(id)).to.deep.include({ id: suspend.id, state: "sent" });
      await store.failStatusOp(suspend.id, "CertificateLedgerInvalidProof");
      expect(await store.unfinishedStatusOp(id)).to.equal(null);
      const revoke = await store.createStatusOp(change(id, "revoke"));
      await store.completeStatusOp(revoke.id, {
        txHash: "0x02",
        blockNumber: 2,
        doneAt: "2026-01-01T00:00:01.000Z",
        status: "revoked",
        statusReason: "unspecified",
      });
      expect(await store.unfinishedStatusOp(id)).to.equal(null);
    });

    it("refuses a second unfinished operation of a certificate, and records nothing of it", async () => {
      const { id } = await anchoredCertificate();
      const first = await store.createStatusOp(change(id, "suspend"));
      const refusal = async (): Promise<unknown> =>
        store.createStatusOp(change(id, "revoke")).then(
          () => null,
          (error: unknown) => error,
        );
      expect(await refusal())
        .to.be.instanceOf(StatusOpPendingError)
        .and.include({ certificateId: id });
      await store.markStatusOpSent(first.id, 1, "0x01");
      expect(await refusal()).to.be.instanceOf(StatusOpPendingError);
      expect((await store.listStatusOps(["pending", "sent", "done", "failed"])).map((o) => o.id)).to.deep.equal([
        first.id,
      ]);
      await store.failStatusOp(first.id, "CertificateLedgerInvalidProof");
      expect((await store.createStatusOp(change(id, "revoke"))).state).to.equal("pending");
    });

    it("records exactly one of two operations of a certificate requested at once through two replicas", async () => {
      const { id } = await anchoredCertificate();
      const b = await anotherReplica();
      const outcomes = await Promise.allSettled([
        store.createStatusOp(change(id, "suspend")),
        b.createStatusOp(change(id, "revoke")),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).to.have.length(1);
      const refused = outcomes.find((o) => o.status === "rejected");
      expect(refused?.reason).to.be.instanceOf(StatusOpPendingError);
      expect(await store.listStatusOps(["pending", "sent"])).to.have.length(1);
    });
  });

  describe("leases and fencing (replicas)", () => {
    const name = signerLeaseName(SIGNER);

    it("grants a lease to one holder at a time; the holder keeps its token; an expired lease passes on with a larger token", async () => {
      const b = await anotherReplica();
      const token = await store.acquireLease(name, "A", 300);
      expect(token).to.be.a("number");
      expect(await b.acquireLease(name, "B", 300)).to.equal(null);
      expect(await store.acquireLease(name, "A", 300)).to.equal(token);
      let taken: number | null = null;
      await waitUntil(async () => (taken = await b.acquireLease(name, "B", 10_000)) !== null, 5_000);
      expect(taken).to.be.greaterThan(token ?? Infinity);
      expect(await store.renewLease(name, "A", token ?? 0, 10_000)).to.equal(false);
      expect(await store.acquireLease(name, "A", 10_000)).to.equal(null);
    });

    it("renews only the current token, and a released lease is free at once", async () => {
      const b = await anotherReplica();
      const token = (await store.acquireLease(name, "A", 10_000)) ?? 0;
      expect(await store.renewLease(name, "A", token, 10_000)).to.equal(true);
      expect(await store.renewLease(name, "A", token + 1000, 10_000)).to.equal(false);
      await store.releaseLease(name, "A", token);
      expect(await b.acquireLease(name, "B", 10_000)).to.be.greaterThan(token);
    });

    it("gives a contested lease to exactly one of several replicas asking at once", async () => {
      const replicas = [store, await anotherReplica(), await anotherReplica()];
      const grants = await Promise.all(replicas.map((r, i) => r.acquireLease(name, `R${i}`, 10_000)));
      expect(grants.filter((g) => g !== null)).to.have.length(1);
    });

    it("fences the outbox: once another replica holds the signer's lease, the old holder's writes are refused and change nothing", async () => {
      const c = certificate();
      const d = certificate();
      await store.insertCertificates([c, d]);
      const tokenA = (await store.acquireLease(name, "A", 200)) ?? 0;
      const batch = await store.createBatch({
        agencyId: 1,
        typeId: 0,
        root: hex32(),
        signer: SIGNER,
        createdAt: c.createdAt,
        members: [c.id],
      });
      const b = await anotherReplica();
      await waitUntil(async () => (await b.acquireLease(name, "B", 10_000)) !== null, 5_000);

      const refused = async (write: () => Promise<unknown>): Promise<void> => {
        let error: unknown = null;
        await write().catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(FencedOutError);
      };
      await refused(() => store.markBatchSent(batch.id, 1, "0xa1"));
      await refused(() => store.markBatchUnsent(batch.id));
      await refused(() =>
        store.markBatchAnchored(batch.id, {
          txHash: "0xa1",
          blockNumber: 1,
          anchoredAt: c.createdAt,
          chainId: CHAIN_ID,
          ledger: LEDGER,
          proofs: [{ id: c.id, proof: proofNodes(0) }],
        }),
      );
      await refused(() =>
        store.createBatch({
          agencyId: 1,
          typeId: 0,
          root: hex32(),
          signer: SIGNER,
          createdAt: d.createdAt,
          members: [d.id],
        }),
      );
      expect(await store.getBatch(batch.id)).to.deep.include({ state: "prepared", txHash: null });
      expect((await store.getCertificate(d.id))?.batchId).to.equal(null);
      expect(await store.renewLease(name, "A", tokenA, 10_000)).to.equal(false);

      await b.markBatchSent(batch.id, 1, "0xb1");
      expect(await b.getBatch(batch.id)).to.deep.include({ state: "sent", txHash: "0xb1" });
    });

    it("fences status operations of the signer, and leaves other signers' writes alone", async () => {
      const { id } = await anchoredCertificate();
      const op = await store.createStatusOp({
        certificateId: id,
        kind: "suspend",
        reason: null,
        note: null,
        signer: SIGNER,
        requestedBy: "k",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      const b = await anotherReplica();
      expect(await b.acquireLease(name, "B", 10_000)).to.be.a("number");
      let error: unknown = null;
      await store.markStatusOpSent(op.id, 1, "0x01").catch((e: unknown) => {
        error = e;
      });
      expect(error).to.be.instanceOf(FencedOutError);
      await store
        .completeStatusOp(op.id, {
          txHash: "0x01",
          blockNumber: 1,
          doneAt: "2026-01-01T00:00:01.000Z",
          status: "suspended",
          statusReason: "certificateHold",
        })
        .catch((e: unknown) => {
          error = e;
        });
      expect((await store.getCertificate(id))?.status).to.equal("active");
      await b.markStatusOpSent(op.id, 1, "0x02");
      expect((await store.getStatusOp(op.id))?.txHash).to.equal("0x02");

      const other = certificate();
      await store.insertCertificates([other]);
      const otherBatch = await store.createBatch({
        agencyId: 2,
        typeId: 0,
        root: hex32(),
        signer: OTHER_SIGNER,
        createdAt: other.createdAt,
        members: [other.id],
      });
      await store.markBatchSent(otherBatch.id, 1, "0x03");
      expect((await store.getBatch(otherBatch.id))?.state).to.equal("sent");
    });

    it("lets exactly one of two replicas batch a contested certificate", async () => {
      const b = await anotherReplica();
      const shared = [certificate(), certificate()];
      await store.insertCertificates(shared);
      const ids = shared.map((c) => c.id);
      const outcomes = await Promise.allSettled([
        store.createBatch({
          agencyId: 1,
          typeId: 0,
          root: hex32(),
          signer: SIGNER,
          createdAt: new Date().toISOString(),
          members: ids,
        }),
        b.createBatch({
          agencyId: 1,
          typeId: 0,
          root: hex32(),
          signer: SIGNER,
          createdAt: new Date().toISOString(),
          members: [...ids].reverse(),
        }),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).to.have.length(1);
      expect(await store.listBatches(["prepared"])).to.have.length(1);
    });
  });
}
