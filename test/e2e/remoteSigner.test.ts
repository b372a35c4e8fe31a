import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { pino } from "pino";
import { createProvider } from "../../server/chain/provider.ts";
import { loadConfig } from "../../server/config/loadConfig.ts";
import { startService, type RunningService } from "../../server/serviceLifetime.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startSignerProcess, type SignerProcess } from "../chain/support/remoteSigner.ts";
import { freePort, waitFor } from "../../scripts/support/serviceProcess.ts";
import { serveAgency, startExternalChain, type ExternalChain } from "../../scripts/support/externalChain.ts";

interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string } | undefined>;
}

/** The officer key lives in a separate signer process; the service holds none and anchors through it. */
describe("e2e: anchoring through a remote signer", function () {
  this.timeout(180_000);
  let chain: ExternalChain;
  let signer: SignerProcess | null = null;
  let service: RunningService | null = null;
  let dataDir: string;
  const logs: string[] = [];

  after(async () => {
    await service?.stop();
    await signer?.stop();
    await (chain as ExternalChain | undefined)?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("anchors with a key it never holds; a stopped signer only delays anchoring, readiness says so, nothing is lost", async () => {
    chain = await startExternalChain();
    const signerPort = await freePort();
    signer = await startSignerProcess(chain.officerKey, signerPort);
    dataDir = await mkdtemp(join(tmpdir(), "certledger-remote-signer-"));
    const seed = SqliteStore.open(join(dataDir, "certledger.db"));
    const apiKey = await serveAgency(seed, chain);
    await seed.close();
    // a stray plaintext key file outside the embedded default: used, but loudly
    await mkdir(join(dataDir, "keys"), { mode: 0o700 });
    const stray = Wallet.createRandom();
    await writeFile(join(dataDir, "keys", `${stray.address}.key`), `${stray.privateKey}\n`, { mode: 0o600 });

    const config = loadConfig(
      {
        ...chain.env,
        REMOTE_SIGNER_URL: signer.url,
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        BATCH_MAX_AGE_MS: "100",
        RATE_LIMIT_PER_MINUTE: "0",
      },
      { envFile: false },
    );
    expect(config.chain.mode === "external" && config.chain.signers.key).to.equal(null);
    service = await startService(config, {
      logger: pino({ level: "info" }, { write: (line: string) => void logs.push(line) }),
      print: () => undefined,
    });
    const url = service.url;
    expect(logs.some((l) => l.includes("PLAINTEXT OFFICER KEY FILE") && l.includes(stray.address))).to.equal(true);
    expect(logs.join("\n")).not.to.include(stray.privateKey.slice(2));

    const ready = await call<Readiness>(url, "GET", "/readyz");
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.signers?.detail).to.include("remote");

    const issue = async (n: number) =>
      (
        await call<{ id: string; verifyUrl: string }>(url, "POST", "/api/v1/certificates", {
          key: apiKey,
          body: licenceRequest(n),
        })
      ).body;
    const stateOf = async (id: string) =>
      (
        await call<{ state: string; anchor: { txHash: string } | null }>(url, "GET", `/api/v1/certificates/${id}`, {
          key: apiKey,
        })
      ).body;
    const first = await issue(1);
    const anchored = await waitFor(
      "the first certificate anchored",
      async () => {
        const s = await stateOf(first.id);
        return s.state === "anchored" ? s : undefined;
      },
      30_000,
    );
    const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
    try {
      const tx = await provider.getTransaction(anchored.anchor!.txHash);
      expect(tx?.from, "anchored with the remote signer's officer key").to.equal(chain.officer);
    } finally {
      provider.destroy();
    }

    await signer.stop();
    // still ready (it issues and verifies), and readiness says anchoring waits for the signer
    const down = await call<Readiness>(url, "GET", "/readyz");
    expect(down.status).to.equal(200);
    expect(down.body.checks.signers?.ok).to.equal(false);
    expect(down.body.checks.signers?.detail).to.match(/cannot be reached; anchoring and status changes wait/);
    expect(down.body.checks.chain?.ok).to.equal(true);

    const waiting = await Promise.all([2, 3, 4].map(issue));
    const failedRounds = logs.length;
    await waitFor(
      "a batching round to find the signer unreachable",
      () =>
        Promise.resolve(logs.slice(failedRounds).some((l) => l.includes("batching round failed")) ? true : undefined),
      20_000,
      50,
    );
    for (const c of waiting) expect((await stateOf(c.id)).state, "waits while the signer is down").to.equal("pending");
    const verdict = await call<{ status: string }>(
      url,
      "GET",
      new URL(waiting[0]!.verifyUrl).pathname + new URL(waiting[0]!.verifyUrl).search,
    );
    expect(verdict.body.status).to.equal("NOT_ANCHORED");

    signer = await startSignerProcess(chain.officerKey, signerPort);
    await waitFor(
      "readiness to see the signer back",
      async () => ((await call<Readiness>(url, "GET", "/readyz")).body.checks.signers?.ok === true ? true : undefined),
      20_000,
    );
    for (const c of waiting) {
      const link = new URL(c.verifyUrl);
      await waitFor(
        `${c.id} anchored and verified`,
        async () => {
          const r = await call<{ status: string }>(url, "GET", link.pathname + link.search);
          return r.body.status === "VALID" ? true : undefined;
        },
        30_000,
      );
    }
  });
});
