import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { signTrustList } from "../../server/core/trust/trustList.ts";
import { TrustListFileError } from "../../server/services/trustListFile.ts";
import { TrustListWatch } from "../../server/services/trustListWatch.ts";
import { waitFor } from "../../scripts/support/serviceProcess.ts";
import { tempDir } from "../chain/helpers.ts";

const entry = (name: string, origin: string) => ({
  chainId: 31337,
  registry: Wallet.createRandom().address,
  ledger: Wallet.createRandom().address,
  name: { zh: name, en: name },
  origins: [origin],
});

describe("config: the trust list kept current while the service runs", () => {
  const signer = new Wallet(Wallet.createRandom().privateKey);
  const write = async (
    file: string,
    deployments: ReturnType<typeof entry>[],
    expiresAt = "2027-01-01T00:00:00Z",
    by: Wallet = signer,
  ) => {
    const list = { format: "certledger-trust-list/1", issuedAt: "2026-11-01T00:00:00Z", expiresAt, deployments };
    await writeFile(file, JSON.stringify(await signTrustList(list, by)));
  };

  it("takes a changed file that passes its checks, refuses one that does not and keeps the list in force", async () => {
    const dir = await tempDir("certledger-trust-watch-");
    const file = join(dir, "list.json");
    await write(file, [entry("Beijing", "https://cert.beijing.example")]);
    const now = new Date("2026-12-01T00:00:00Z");
    const watch = await TrustListWatch.open({ file, signer: signer.address }, { now: () => now });
    watch.start(20);
    try {
      expect(watch.deployments().map((d) => d.name?.en)).to.deep.equal(["Beijing"]);

      await write(file, [
        entry("Beijing", "https://cert.beijing.example"),
        entry("Hebei", "https://cert.hebei.example"),
      ]);
      await waitFor(
        "the new list",
        () => Promise.resolve(watch.deployments().length === 2 ? true : undefined),
        5000,
        20,
      );

      // signed by someone else: refused, the list in force stays, and the state says why
      const other = new Wallet(Wallet.createRandom().privateKey);
      await write(file, [entry("Look-alike", "https://cert.lookalike.example")], undefined, other);
      // (a poll may catch the file half-written, refused as unreadable, until the next poll sees it whole)
      await waitFor(
        "the refusal",
        () => Promise.resolve(watch.state().refused?.includes("is not signed by") ? true : undefined),
        5000,
        20,
      );
      expect(watch.deployments()).to.have.length(2);
    } finally {
      watch.stop();
    }
  });

  it("recognises nothing of a list past its expiry (fail closed), and says so", async () => {
    const dir = await tempDir("certledger-trust-expiry-");
    const file = join(dir, "list.json");
    await write(file, [entry("Beijing", "https://cert.beijing.example")], "2026-12-02T00:00:00Z");
    let now = new Date("2026-12-01T00:00:00Z");
    const watch = await TrustListWatch.open({ file, signer: signer.address }, { now: () => now });
    expect(watch.deployments()).to.have.length(1);
    now = new Date("2026-12-02T00:00:00Z");
    expect(watch.deployments()).to.deep.equal([]);
    expect(watch.state()).to.include({ expired: true });
  });

  it("refuses to open an expired list at start, naming the file", async () => {
    const dir = await tempDir("certledger-trust-start-");
    const file = join(dir, "list.json");
    await write(file, [entry("Beijing", "https://cert.beijing.example")], "2026-11-15T00:00:00Z");
    const error = await TrustListWatch.open(
      { file, signer: signer.address },
      { now: () => new Date("2026-12-01T00:00:00Z") },
    ).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TrustListFileError);
    expect((error as Error).message)
      .to.include(file)
      .and.to.include("expired at 2026-11-15T00:00:00Z");
  });
});
