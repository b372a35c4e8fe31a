import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { ConfigError, loadConfig } from "../../server/config/loadConfig.ts";
import { signTrustList } from "../../server/core/trust/trustList.ts";
import { loadTrustListFile, TrustListFileError } from "../../server/services/trustListFile.ts";
import { tempDir } from "../chain/helpers.ts";

const NOW = new Date("2026-12-01T00:00:00Z");

describe("config: TRUST_LIST and TRUST_LIST_SIGNER", () => {
  const signer = Wallet.createRandom();
  const list = {
    format: "certledger-trust-list/1",
    issuedAt: "2026-11-01T00:00:00Z",
    expiresAt: "2027-01-01T00:00:00Z",
    deployments: [
      {
        chainId: 31337,
        registry: Wallet.createRandom().address,
        ledger: Wallet.createRandom().address,
        name: { zh: "天津", en: "Tianjin" },
        origins: [],
      },
    ],
  };
  let dir = "";
  before(async () => {
    dir = await tempDir("certledger-trust-list-");
  });

  it("are set together or not at all; the signer must be an address", () => {
    const issuesOf = (env: Record<string, string>) => {
      try {
        loadConfig(env, { envFile: false, cwd: dir });
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.issues.map((issue) => issue.variable);
        throw error;
      }
    };
    expect(issuesOf({ TRUST_LIST: "list.json" })).to.deep.equal(["TRUST_LIST_SIGNER"]);
    expect(issuesOf({ TRUST_LIST_SIGNER: signer.address })).to.deep.equal(["TRUST_LIST"]);
    expect(issuesOf({ TRUST_LIST: "list.json", TRUST_LIST_SIGNER: "0x1234" })).to.deep.equal(["TRUST_LIST_SIGNER"]);
    const config = loadConfig(
      { TRUST_LIST: "list.json", TRUST_LIST_SIGNER: signer.address.toLowerCase() },
      { envFile: false, cwd: dir },
    );
    expect(config.trustList).to.deep.equal({ file: join(dir, "list.json"), signer: signer.address });
  });

  it("a list signed by the pinned key loads; one signed by another key, expired, or not JSON stops the start, naming the file and the problem", async () => {
    const write = async (name: string, value: unknown) => {
      const file = join(dir, name);
      await writeFile(file, typeof value === "string" ? value : JSON.stringify(value));
      return { file, signer: signer.address };
    };
    const good = await loadTrustListFile(await write("good.json", await signTrustList(list, signer)), { now: NOW });
    expect(good.deployments).to.have.length(1);

    const cases: [string, unknown, RegExp][] = [
      ["foreign.json", await signTrustList(list, Wallet.createRandom()), /is refused: the trust list is not signed by/],
      [
        "expired.json",
        await signTrustList({ ...list, expiresAt: "2026-11-30T00:00:00Z" }, signer),
        /is refused: the trust list expired at/,
      ],
      ["garbage.json", "{ not json", /cannot be read as JSON/],
    ];
    for (const [name, content, message] of cases) {
      let error: unknown = null;
      await loadTrustListFile(await write(name, content), { now: NOW }).catch((e: unknown) => {
        error = e;
      });
      expect(error, name).to.be.instanceOf(TrustListFileError);
      expect((error as Error).message, name)
        .to.match(message)
        .and.to.include(name);
    }
  });
});
