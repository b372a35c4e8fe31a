import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { pino } from "pino";
import { SignerLeases } from "../../server/anchoring/leases.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";

const SIGNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const logger = pino({ level: "silent" });

describe("SignerLeases", () => {
  let dir: string;
  let stores: SqliteStore[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "certledger-leases-"));
    const path = join(dir, "certledger.db");
    stores = [SqliteStore.open(path), SqliteStore.open(path)];
  });

  afterEach(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets one replica use an officer key; a clean stop hands it over at once, and the new holder is told", async () => {
    const acquired: string[] = [];
    const a = new SignerLeases({ store: stores[0]!, holder: "A", logger }, { ttlMs: 60_000, renewMs: 20_000 });
    const b = new SignerLeases(
      { store: stores[1]!, holder: "B", logger, onAcquired: (s) => acquired.push(s) },
      { ttlMs: 60_000, renewMs: 20_000 },
    );
    expect(await a.mayUse(SIGNER)).to.equal(true);
    expect(await b.mayUse(SIGNER)).to.equal(false);
    expect(a.heldSigners()).to.deep.equal([SIGNER]);
    await a.stop();
    expect(await b.mayUse(SIGNER)).to.equal(true);
    expect(acquired).to.deep.equal([SIGNER]);
    expect(await b.mayUse(SIGNER)).to.equal(true);
    expect(acquired, "told once per takeover, not per use").to.have.length(1);
    expect(await a.mayUse(SIGNER)).to.equal(false);
    await b.stop();
  });

  it("notices a lease lost to another replica while it was not renewing, and stops using the key", async () => {
    const a = new SignerLeases({ store: stores[0]!, holder: "A", logger }, { ttlMs: 100, renewMs: 50 });
    const b = new SignerLeases({ store: stores[1]!, holder: "B", logger }, { ttlMs: 60_000, renewMs: 20_000 });
    expect(await a.mayUse(SIGNER)).to.equal(true);
    // A stalls past its TTL (no renewal), B takes over
    const deadline = Date.now() + 5_000;
    while (!(await b.mayUse(SIGNER))) {
      if (Date.now() > deadline) throw new Error("B never took the expired lease");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await a.mayUse(SIGNER)).to.equal(false);
    await a.renewAll();
    expect(a.heldSigners()).to.deep.equal([]);
    await b.stop();
  });
});
