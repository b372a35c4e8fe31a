import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import type { JsonRpcProvider } from "ethers";
import type { EventView } from "../../server/audit/exportFormat.ts";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { freePort, REPO_ROOT, tempDir } from "../chain/helpers.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import {
  byAgency,
  deployOnChain,
  issue,
  type AnchoredBatch,
  type OnChainCertledger,
} from "../verification/support/onChain.ts";

const EXIT = { ok: 0, findings: 1, usage: 2, unavailable: 3 };

/** `npx tsx scripts/certledger.ts audit ...` with its own environment (no .env of the repository). */
function audit(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "scripts/certledger.ts", "audit", ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`audit ${args.join(" ")} did not exit in time:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("certledger audit CLI against a local anvil", function () {
  this.timeout(180_000);
  let dir = "";
  let localChain: LocalChain;
  let provider: JsonRpcProvider;
  let chain: OnChainCertledger;
  let batch: AnchoredBatch;
  const chainFlags = () => ["--rpc", localChain.rpcUrl, "--ledger", chain.ledger, "--registry", chain.registry];

  before(async () => {
    dir = await tempDir("certledger-audit-cli-");
    localChain = await startLocalChain({ dataDir: join(dir, "chain"), port: await freePort() });
    provider = createProvider(localChain.rpcUrl, { chainId: localChain.chainId });
    const keys = devAccountKeys();
    chain = await deployOnChain(
      provider,
      { governance: keys.governance, admin: keys.agencyAdmin, officers: [keys.serviceSigner] },
      builtinTypes(),
    );
    batch = await issue(
      chain,
      [1, 2].map((n) => byAgency(sampleInputs(n)["business-licence"]!, chain.agency)),
    );
  });
  after(async () => {
    provider.destroy();
    await localChain.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("rebuild prints the agency's history as NDJSON from the chain alone", async () => {
    const run = await audit([
      "rebuild",
      ...chainFlags(),
      "--agency",
      String(chain.agency.agencyId),
      "--from-block",
      String(chain.deploymentBlock),
    ]);
    expect(run.code, run.stderr).to.equal(EXIT.ok);
    const events = run.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as EventView);
    expect(events.map((e) => e.kind)).to.include.members(["AgencyRegistered", "OfficerAdded", "BatchAnchored"]);
    expect(events.find((e) => e.kind === "BatchAnchored")).to.include({
      root: batch.root.toLowerCase(),
      txHash: batch.txHash,
      size: 2,
      type: "business-licence",
    });
    expect(events.every((e) => e.agencyId === chain.agency.agencyId)).to.equal(true);
  });

  it("index builds a resumable index file", async () => {
    const index = join(dir, "index.db");
    const first = await audit(["index", ...chainFlags(), "--index", index, "--range", "2"]);
    expect(first.code, first.stderr).to.equal(EXIT.ok);
    expect(first.stdout).to.match(/^indexed through block \d+, [1-9]\d* new events$/m);
    const again = await audit(["index", ...chainFlags(), "--index", index]);
    expect(again.stdout).to.match(/, 0 new events$/m);
  });

  it("reconcile exits 1 with UNKNOWN_ROOT for roots that the configured service never anchored", async () => {
    const env = {
      DATA_DIR: join(dir, "service"),
      CHAIN_RPC_URL: localChain.rpcUrl,
      LEDGER_ADDRESS: chain.ledger,
      REGISTRY_ADDRESS: chain.registry,
      SIGNER_KEY: devAccountKeys().serviceSigner,
      DEPLOYMENT_BLOCK: String(chain.deploymentBlock),
    };
    const run = await audit(["reconcile"], env);
    expect(run.code, run.stderr).to.equal(EXIT.findings);
    expect(run.stdout).to.include(`[critical] UNKNOWN_ROOT root ${batch.root.toLowerCase()}`);
    const json = await audit(["reconcile", "--json"], env);
    expect((JSON.parse(json.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).to.deep.equal([
      "UNKNOWN_ROOT",
    ]);
  });

  it("refuses bad flags with exit code 2, and an unreachable chain with 3", async () => {
    const bad = await audit([
      "rebuild",
      "--rpc",
      localChain.rpcUrl,
      "--ledger",
      "0x12",
      "--registry",
      chain.registry,
      "--agency",
      "1",
    ]);
    expect(bad.code).to.equal(EXIT.usage);
    expect(bad.stderr).to.include("--ledger");
    const down = await audit([
      "rebuild",
      "--rpc",
      `http://127.0.0.1:${await freePort()}`,
      "--ledger",
      chain.ledger,
      "--registry",
      chain.registry,
      "--agency",
      "1",
    ]);
    expect(down.code, down.stderr).to.equal(EXIT.unavailable);
  });
});
