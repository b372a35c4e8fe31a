import { expect } from "chai";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";
import { REVOCATION_REASONS } from "../../server/core/verification/result.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { waitFor } from "../../scripts/support/serviceProcess.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

interface Result {
  status: string;
  revocation?: { state: string; actor?: string; byGovernance?: boolean };
}

interface Proof {
  root: string;
  leaf: string;
  index: number;
  proof: string[];
}

const DAY_MS = 86_400_000;

/**
 * A QR scan of an unchanged certificate is answered with its last verdict. Each test here tries to
 * get a stale or wrong verdict out of that: a change on chain that this service did not make, a
 * status another replica recorded in the shared database, a tampered link, the clock crossing the
 * validity window.
 */
describe("HTTP: QR verdicts answered again only while nothing they depend on changed", function () {
  this.timeout(60_000);
  let h: Harness;
  let now = Date.now();
  const validFrom = new Date(now + DAY_MS);
  const validUntil = new Date(now + 3 * DAY_MS);
  const links: string[] = [];

  const scan = async (path: string): Promise<Result> => (await call<Result>(h.url, "GET", path)).body;
  const proofOf = async (path: string): Promise<Proof> => {
    const id = new URL(path, h.url).pathname.split("/").at(-1)!;
    const record = await h.store.getCertificate(id);
    return (record!.document as { proof: Proof }).proof;
  };

  before(async () => {
    h = await startHarness({ clock: () => new Date(now), storeOnDisk: true });
    const { type, subject } = sampleInputs(3)["business-licence"]!;
    const items = Array.from({ length: 4 }, () => ({
      type,
      subject,
      validFrom: validFrom.toISOString(),
      validUntil: validUntil.toISOString(),
    }));
    const reply = await call<{ items: { verifyUrl: string }[] }>(h.url, "POST", "/api/v1/certificates/batch", {
      key: h.agencies[0].issuerKey,
      body: { items },
    });
    for (const item of reply.body.items) {
      const url = new URL(item.verifyUrl);
      links.push(url.pathname + url.search);
    }
    await h.flush();
    now = validFrom.getTime() + DAY_MS;
    h.runtime.verificationCache.start();
    await waitFor("the chain head", () => Promise.resolve(h.runtime.verificationCache.epoch ?? undefined), 5_000, 10);
  });
  after(async () => {
    h.runtime.verificationCache.stop();
    await h.close();
  });

  it("never answers a tampered link from the verdict of the real one", async () => {
    const link = links[0]!;
    expect((await scan(link)).status).to.equal("VALID");
    expect((await scan(link)).status).to.equal("VALID");
    const flipped = link.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    expect((await scan(flipped)).status).to.equal("TAMPERED");
    const otherLeaf = new URL(links[1]!, h.url).searchParams.get("h")!;
    expect((await scan(link.replace(/h=0x[0-9a-f]+/, `h=${otherLeaf}`))).status).to.equal("TAMPERED");
    expect((await scan(link)).status).to.equal("VALID");
  });

  it("answers a scan of an unchanged certificate from its standing alone, by QR link and by link verification", async () => {
    const link = links[3]!;
    const counted = ["getCertificateStanding", "getCertificate", "findSuccessors", "getBatch"] as const;
    const calls = Object.fromEntries(counted.map((name) => [name, 0])) as Record<(typeof counted)[number], number>;
    const store = h.store as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of counted) {
      const original = store[name]!.bind(h.store);
      store[name] = (...args) => {
        calls[name] += 1;
        return original(...args);
      };
    }
    try {
      expect((await scan(link)).status).to.equal("VALID");
      for (const name of counted) calls[name] = 0;
      expect((await scan(link)).status).to.equal("VALID");
      const checked = await call<Result>(h.url, "POST", "/api/v1/verify-link", { body: { url: h.url + link } });
      expect(checked.body.status).to.equal("VALID");
      expect(calls).to.deep.equal({ getCertificateStanding: 2, getCertificate: 0, findSuccessors: 0, getBatch: 0 });
    } finally {
      for (const name of counted) Reflect.deleteProperty(store, name);
    }
  });

  it("follows the clock across the validity window: NOT_YET_VALID, VALID at both bounds, EXPIRED a millisecond after", async () => {
    const link = links[0]!;
    const answers: [number, string][] = [
      [validFrom.getTime() - 1, "NOT_YET_VALID"],
      [validFrom.getTime(), "VALID"],
      [validUntil.getTime(), "VALID"],
      [validUntil.getTime() + 1, "EXPIRED"],
      [validFrom.getTime() + DAY_MS, "VALID"],
    ];
    for (const [at, status] of answers) {
      now = at;
      expect((await scan(link)).status, new Date(at).toISOString()).to.equal(status);
      expect((await scan(link)).status, `${new Date(at).toISOString()}, scanned again`).to.equal(status);
    }
  });

  it("sees a revocation governance made on chain, not through this service, once the next block is seen", async () => {
    const link = links[1]!;
    expect((await scan(link)).status).to.equal("VALID");
    const p = await proofOf(link);
    const ledger = ICertificateLedger__factory.connect(h.ledger, h.governance);
    await (
      await ledger.revoke(
        p.root,
        p.leaf,
        statusTarget(h.agencies[0].agencyId, p.index, REVOCATION_REASONS.unspecified),
        p.proof,
      )
    ).wait();
    const revoked = await waitFor(
      "the revocation to be seen",
      async () => {
        const result = await scan(link);
        return result.status === "REVOKED" ? result : undefined;
      },
      5_000,
      20,
    );
    expect(revoked.revocation).to.include({ state: "revoked", byGovernance: true });
    expect((await scan(link)).status).to.equal("REVOKED");
  });

  it("sees a status another replica recorded in the shared database at once, before this one sees the new block", async () => {
    const link = links[2]!;
    expect((await scan(link)).status).to.equal("VALID");
    // this replica stops following the head: only the shared database can tell it of the change
    h.runtime.verificationCache.stop();
    try {
      const p = await proofOf(link);
      const officer = h.agencies[0].officer;
      const ledger = ICertificateLedger__factory.connect(h.ledger, officer);
      await (
        await ledger.suspend(
          p.root,
          p.leaf,
          statusTarget(h.agencies[0].agencyId, p.index, REVOCATION_REASONS.certificateHold),
          p.proof,
        )
      ).wait();
      expect((await scan(link)).status, "nothing recorded yet, no new head seen").to.equal("VALID");
      const id = new URL(link, h.url).pathname.split("/").at(-1)!;
      h.sql(
        "UPDATE certificates SET status = 'suspended', status_reason = 'certificateHold', status_updated_at = ? WHERE id = ?",
        new Date(now).toISOString(),
        id,
      );
      expect((await scan(link)).status).to.equal("SUSPENDED");
    } finally {
      h.runtime.verificationCache.start();
    }
  });
});
