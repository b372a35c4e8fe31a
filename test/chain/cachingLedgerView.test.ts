import { expect } from "chai";
import type { Provider } from "ethers";
import { CachingLedgerView } from "../../server/chain/cachingLedgerView.ts";
import type { LeafView, LedgerView } from "../../server/core/verification/ledgerView.ts";
import { waitFor } from "../../scripts/support/serviceProcess.ts";

const view = (status: LeafView["status"]): LeafView => ({
  chainId: 31337,
  anchored: true,
  proofValid: true,
  batch: { officer: "0x0000000000000000000000000000000000000001", agencyId: 1, anchoredAt: 1, typeId: 1, size: 1 },
  batchRevokedAt: 0,
  batchRevocationReason: 0,
  batchRevokedBy: "0x0000000000000000000000000000000000000000",
  status,
  reason: 0,
  statusByGovernance: false,
  agencyStatus: "active",
  jurisdiction: 110000,
  issuerAuthorized: true,
  officerCompromisedSince: 0,
});

describe("CachingLedgerView", () => {
  let calls = 0;
  let status: LeafView["status"] = "active";
  let head: number | Error = 1;
  let headReads = 0;
  const inner: LedgerView = {
    ledger: "0x00000000000000000000000000000000000000aa",
    verifyLeaf: () => {
      calls++;
      return Promise.resolve(view(status));
    },
    anchorEvent: () => Promise.resolve(null),
    statusEvent: () => Promise.resolve(null),
    restorationEvent: () => Promise.resolve(null),
  };
  const provider = {
    getBlockNumber: () => {
      headReads++;
      return head instanceof Error ? Promise.reject(head) : Promise.resolve(head);
    },
  } as unknown as Provider;
  let cache: CachingLedgerView;
  const ask = () => cache.verifyLeaf(1, "0xroot", "0xleaf", 0, ["0xsibling"]);
  const headRead = async () => {
    const seen = headReads;
    await waitFor("the next head read", () => Promise.resolve(headReads > seen + 1 ? true : undefined), 2_000, 5);
  };

  beforeEach(() => {
    calls = 0;
    status = "active";
    head = 1;
    headReads = 0;
    cache = new CachingLedgerView(inner, provider, { pollMs: 10, maxEntries: 2 });
  });
  afterEach(() => {
    cache.stop();
  });

  it("passes every call through until it has read the chain head", async () => {
    await ask();
    await ask();
    expect(calls).to.equal(2);
  });

  it("asks the chain again when the recorded version changed, before this replica sees the new head", async () => {
    cache.start();
    await headRead();
    const at = (version: string) => cache.atVersion(version).verifyLeaf(1, "0xroot", "0xleaf", 0, ["0xsibling"]);
    expect((await at("active||t1")).status).to.equal("active");
    expect((await at("active||t1")).status).to.equal("active");
    expect(calls).to.equal(1);
    // another replica revoked it: the shared database says so; this replica's head poll has not run yet
    status = "revoked";
    expect((await at("revoked|t2|t1")).status).to.equal("revoked");
    expect(calls).to.equal(2);
  });

  it("answers again from the cache while the head stands still", async () => {
    cache.start();
    await headRead();
    await ask();
    await ask();
    expect(calls).to.equal(1);
  });

  it("asks the chain again once a new block arrives", async () => {
    cache.start();
    await headRead();
    await ask();
    status = "revoked";
    head = 2;
    await headRead();
    expect((await ask()).status).to.equal("revoked");
    expect(calls).to.equal(2);
  });

  it("holds no answer of an older block once the head moves, so memory follows one block's scans", async () => {
    cache = new CachingLedgerView(inner, provider, { pollMs: 10, maxEntries: 100 });
    cache.start();
    await headRead();
    await Promise.all(["0xa", "0xb", "0xc"].map((root) => cache.verifyLeaf(1, root, "0xleaf", 0, [])));
    expect(cache.size).to.equal(3);
    head = 2;
    await headRead();
    expect(cache.size).to.equal(0);
  });

  it("asks the chain again after invalidate, with no new block seen yet", async () => {
    cache.start();
    await headRead();
    await ask();
    status = "suspended";
    cache.invalidate();
    expect((await ask()).status).to.equal("suspended");
  });

  it("shares one chain call between concurrent verifications of one certificate", async () => {
    cache.start();
    await headRead();
    await Promise.all(Array.from({ length: 10 }, () => ask()));
    expect(calls).to.equal(1);
  });

  it("names a new epoch whenever its answers are dropped (new head, invalidate, unreadable chain), none while the head is unknown", async () => {
    expect(cache.epoch).to.equal(null);
    cache.start();
    await headRead();
    const first = cache.epoch;
    expect(first).to.be.a("number");
    await headRead();
    expect(cache.epoch, "the head stood still").to.equal(first);
    cache.invalidate();
    const afterInvalidate = cache.epoch;
    expect(afterInvalidate).to.not.equal(first);
    head = 2;
    await headRead();
    expect(cache.epoch).to.not.be.oneOf([first, afterInvalidate, null]);
    head = new Error("down");
    await headRead();
    expect(cache.epoch).to.equal(null);
  });

  it("caches nothing while the chain cannot be read", async () => {
    cache.start();
    await headRead();
    await ask();
    head = new Error("connection refused");
    await headRead();
    await ask();
    await ask();
    expect(calls).to.equal(3);
  });

  it("keeps at most maxEntries answers", async () => {
    cache.start();
    await headRead();
    await cache.verifyLeaf(1, "0xa", "0xleaf", 0, []);
    await cache.verifyLeaf(1, "0xb", "0xleaf", 0, []);
    await cache.verifyLeaf(1, "0xc", "0xleaf", 0, []);
    await cache.verifyLeaf(1, "0xa", "0xleaf", 0, []);
    expect(calls).to.equal(4);
    await cache.verifyLeaf(1, "0xc", "0xleaf", 0, []);
    expect(calls).to.equal(4);
  });
});
