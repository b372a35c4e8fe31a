import { readdirSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import type { JsonRpcProvider } from "ethers";
import type { Browser } from "playwright-core";
import { pino } from "pino";
import { Keyring } from "../../server/chain/keyring.ts";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import type { VerificationResult, VerificationStatus } from "../../server/core/verification/result.ts";
import { trustOnly } from "../../server/core/verification/trust.ts";
import { verifyDocument } from "../../server/core/verification/verifyDocument.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { assembleRuntime, type Runtime } from "../../server/assembleRuntime.ts";
import { freePort, tempDir } from "../chain/helpers.ts";
import { runCli } from "../cli/support/runCli.ts";
import { browserSkipReason, launchBrowser, openPage } from "../e2e/support/browser.ts";
import { call } from "../../scripts/support/http.ts";
import { buildScenario, scenarioFacts, type Scenario } from "./scenario.ts";

interface Entry {
  file: string;
  expect: VerificationStatus;
  why: string;
  document: unknown;
}

const CORPUS = new URL("../fixtures/adversarial/", import.meta.url).pathname;
const entries: Entry[] = readdirSync(CORPUS)
  .filter((name) => /^\d\d-.+\.json$/.test(name))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(CORPUS, file), "utf8")) as Omit<Entry, "file">) }));

/** At most `limit` of `work` at once: each CLI run is a process of its own. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

describe("adversarial corpus: every doctored document gets its verdict from the engine, the API, the CLI and the /scan page", function () {
  this.timeout(600_000);

  let dir = "";
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  let scenario: Scenario;
  let store: SqliteStore;
  let runtime: Runtime;
  let server: Server;
  let url = "";
  let browser: Browser | null = null;
  const verdicts = new Map<string, Record<"engine" | "api" | "cli" | "browser", VerificationStatus | undefined>>();
  const documentFile = (entry: Entry) => join(dir, entry.file);

  before(async () => {
    expect(entries.length).to.be.at.least(18);
    dir = await tempDir("certledger-corpus-");
    chain = await startLocalChain({ dataDir: join(dir, "data"), port: await freePort() });
    provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
    scenario = await buildScenario(provider);
    const committed = JSON.parse(readFileSync(join(CORPUS, "scenario.json"), "utf8")) as unknown;
    expect(
      scenarioFacts(scenario),
      "the scenario drifted from the committed corpus: run scripts/test/writeAdversarialCorpus.ts",
    ).to.deep.equal(committed);
    for (const entry of entries) {
      await writeFile(documentFile(entry), JSON.stringify(entry.document));
      verdicts.set(entry.file, { engine: undefined, api: undefined, cli: undefined, browser: undefined });
    }

    const trusted = scenario.trusted;
    store = SqliteStore.open(":memory:");
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    runtime = assembleRuntime({
      provider,
      chainId: trusted.chainId,
      deployment: { ledger: trusted.ledger, registry: trusted.registry, deploymentBlock: trusted.deploymentBlock },
      keyring: new Keyring(provider, []),
      holderStore: store.holder,
      store,
      types: trusted.types,
      keccak: trusted.keccak,
      logger: pino({ level: "silent" }),
      publicUrl: url,
      http: { bodyLimitBytes: 1024 * 1024, rateLimitPerMinute: 0, corsOrigins: [], trustProxy: false },
      anchoring: { batchSize: 1000, batchMaxAgeMs: 60_000, confirmations: 1 },
    });
    server.on("request", runtime.listener);

    const engineTrust = trustOnly(new EthersLedgerView(provider, trusted.ledger), trusted.chainId);
    for (const entry of entries) {
      const result = await verifyDocument(
        entry.document,
        { keccak: trusted.keccak, types: trusted.types, trust: engineTrust },
        { now: new Date() },
      );
      verdicts.get(entry.file)!.engine = result.status;

      const reply = await call<VerificationResult & { result?: VerificationResult }>(url, "POST", "/api/v1/verify", {
        body: entry.document,
      });
      verdicts.get(entry.file)!.api = reply.status === 400 ? reply.body.result?.status : reply.body.status;
    }

    await inBatches(entries, 3, async (entry) => {
      const run = await runCli([
        "verify",
        documentFile(entry),
        "--rpc",
        chain.rpcUrl,
        "--ledger",
        trusted.ledger,
        "--json",
      ]);
      verdicts.get(entry.file)!.cli = (JSON.parse(run.stdout) as VerificationResult).status;
    });

    if (browserSkipReason() === null) {
      browser = await launchBrowser();
      const { context, page } = await openPage(browser, { locale: "en-US" });
      for (const entry of entries) {
        await page.goto(`${url}/scan`);
        await page.setInputFiles("#document-input", documentFile(entry));
        const banner = page.locator("#result-body .banner[data-status]");
        await banner.waitFor({ timeout: 20_000 });
        verdicts.get(entry.file)!.browser = (await banner.getAttribute("data-status")) as VerificationStatus;
      }
      await context.close();
    }
  });

  after(async () => {
    await browser?.close();
    if (server as Server | undefined) {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    }
    await (runtime as Runtime | undefined)?.audit.stop();
    await (store as SqliteStore | undefined)?.close();
    (provider as JsonRpcProvider | undefined)?.destroy();
    await (chain as LocalChain | undefined)?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("holds the two attacks of the issue, and only its control may be VALID", () => {
    expect(entries.filter((e) => e.expect === "VALID").map((e) => e.file)).to.deep.equal(["00-control.json"]);
    const expected = Object.fromEntries(entries.map((e) => [e.file.replace(/^\d\d-|\.json$/g, ""), e.expect]));
    expect(expected).to.include({
      "expired-validuntil-hidden-under-invented-name": "TAMPERED",
      "forged-on-lookalike-ledger": "UNTRUSTED_LEDGER",
    });
    for (const entry of entries) expect(entry.why, entry.file).to.be.a("string").with.length.above(20);
  });

  for (const entry of entries) {
    it(`${entry.file}: ${entry.expect} on every path`, () => {
      const got = verdicts.get(entry.file)!;
      const paths = browser ? got : { engine: got.engine, api: got.api, cli: got.cli };
      expect(paths, entry.why).to.deep.equal(
        Object.fromEntries(Object.keys(paths).map((path) => [path, entry.expect])),
      );
    });
  }

  it("ran the /scan page's file upload in a browser", function () {
    const reason = browserSkipReason();
    if (reason !== null) {
      console.warn(`  browser path skipped: ${reason}`);
      this.skip();
    }
    expect(browser).to.not.equal(null);
  });

  it("the CLI without a pin refuses to say VALID to the forged licence, names its ledger and exits 4", async () => {
    const forged = entries.find((e) => e.file.endsWith("forged-on-lookalike-ledger.json"))!;
    const run = await runCli(["verify", documentFile(forged), "--rpc", chain.rpcUrl]);
    expect(run.code).to.equal(4);
    expect(run.stdout).to.match(/^✘ UNTRUSTED_LEDGER$/m);
    expect(run.stdout).to.include(scenario.lookalike.ledger);
  });
});
