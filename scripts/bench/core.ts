// `npm run bench:core`: the document core's offline figures (scripts/bench/core-offline.ts) and
// verification against a local chain, one document after another, in documents per second. A
// script, not a test: figures are measured, not asserted. Merges "offline" and "chain" into
// bench/results/core.json, leaving other keys alone. `--chain-only` skips the offline part.
import { freePort } from "../support/serviceProcess.ts";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Wallet, type JsonRpcProvider } from "ethers";
import { CertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { trustOnly } from "../../server/core/verification/trust.ts";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { startLocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { attachAnchor, wrapBatch } from "../../server/core/batch/wrap.ts";
import { verifyDocument, type VerifyDeps } from "../../server/core/verification/verifyDocument.ts";
import {
  RESULTS_FILE,
  benchInputs,
  createBenchContext,
  mergeResults,
  runCoreOfflineBench,
  type CoreBenchContext,
} from "./core-offline.ts";
import { deployWithAgency } from "../support/deployWithAgency.ts";

const BATCH_SIZE = 1_000;
const DURATION_MS = 10_000;
const WARM_UP = 500;
const AGENCY = { agencyId: 1, name: "北京市人力资源和社会保障局", jurisdiction: "110000" };

export interface ChainVerificationFigures {
  measuredAt: string;
  node: string;
  loadAverage: number[];
  batchSize: number;
  documents: number;
  seconds: number;
  perSecond: number;
  /** documents verified in the best whole second of the run: what the machine does when others leave it alone */
  bestSecond: number;
  ethCallsPerDocument: number;
  /** JSON-RPC requests of any kind per document (eth_call included) */
  requestsPerDocument: number;
  latencyMs: { p50: number; p99: number; max: number };
  /**
   * CPU time per document of this process (verifier) and of anvil (null where /proc cannot be
   * read): less sensitive to other load on the machine than wall-clock figures.
   */
  cpuMsPerDocument: { verifier: number; anvil: number | null };
  note: string;
}

/**
 * JSON-RPC methods the provider sends, counted where every request leaves it (`_send`: the
 * ledger view's direct eth_call as well as ethers' queued requests).
 */
function countRequests(provider: JsonRpcProvider): Map<string, number> {
  const counts = new Map<string, number>();
  const send = provider._send.bind(provider);
  provider._send = (payload) => {
    for (const { method } of [payload].flat()) counts.set(method, (counts.get(method) ?? 0) + 1);
    return send(payload);
  };
  return counts;
}

/** User + system CPU time of process `pid` in ms, from /proc (Linux), or null. */
async function processCpuMs(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14 and 15 of stat(5), counted after the command name; in clock ticks (USER_HZ = 100)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Deploys, registers one agency for the benchmark type, anchors one batch: documents as holders get them. */
async function anchoredDocuments(
  provider: JsonRpcProvider,
  context: CoreBenchContext,
): Promise<{ ledger: string; txHash: string; blockNumber: number; documents: unknown[] }> {
  const keys = devAccountKeys();
  const governance = new Wallet(keys.governance, provider);
  const admin = new Wallet(keys.agencyAdmin, provider);
  const officer = new Wallet(keys.serviceSigner, provider);
  const deployed = await deployWithAgency({
    governance,
    admin,
    officers: [officer],
    types: context.types,
    keccak: context.keccak,
    agency: AGENCY,
  });

  const batch = wrapBatch(benchInputs(BATCH_SIZE), context);
  const typeId = context.types.list()[0]?.typeId ?? 0;
  const ledger = CertificateLedger__factory.connect(deployed.ledger, officer);
  const receipt = await (await ledger.anchor(batch.root, typeId, batch.documents.length)).wait();
  if (!receipt) throw new Error("the anchoring transaction has no receipt");
  const { chainId } = await provider.getNetwork();
  const documents = batch.documents.map(
    // as a verifier receives them: parsed from JSON
    (document) =>
      JSON.parse(
        JSON.stringify(
          attachAnchor(document, { chainId: Number(chainId), ledger: deployed.ledger, txHash: receipt.hash }),
        ),
      ) as unknown,
  );
  return { ledger: deployed.ledger, txHash: receipt.hash, blockNumber: receipt.blockNumber, documents };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/**
 * Verification against a local anvil, one document after another, for about `durationMs`: the
 * whole verifyDocument (offline checks and the chain call), with the anchoring transaction known
 * as the service knows it from its database, so one eth_call per document.
 */
export async function measureChainVerification(
  log: (line: string) => void = console.log,
  durationMs = DURATION_MS,
): Promise<ChainVerificationFigures> {
  const context = await createBenchContext();
  const dataDir = await mkdtemp(join(tmpdir(), "certledger-bench-"));
  const chain = await startLocalChain({ dataDir, port: await freePort() });
  const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
  try {
    const { ledger, txHash, blockNumber, documents } = await anchoredDocuments(provider, context);
    log(`chain   anchored a batch of ${documents.length} on anvil at ${chain.rpcUrl}`);
    const deps: VerifyDeps = {
      keccak: context.keccak,
      types: context.types,
      trust: trustOnly(new EthersLedgerView(provider, ledger), chain.chainId),
    };
    const options = { knownAnchor: { txHash, blockNumber } };
    const verifyOne = async (i: number): Promise<void> => {
      const result = await verifyDocument(documents[i % documents.length], deps, { now: new Date(), ...options });
      if (!result.valid) throw new Error(`a benchmark document verified ${result.status}`);
    };
    for (let i = 0; i < WARM_UP; i++) await verifyOne(i);

    const requests = countRequests(provider);
    const latencies: number[] = [];
    const perSecond = new Map<number, number>();
    const anvilCpuBefore = await processCpuMs(chain.pid);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let count = 0;
    while (performance.now() - started < durationMs) {
      const before = performance.now();
      await verifyOne(count);
      const done = performance.now();
      latencies.push(done - before);
      const second = Math.floor((done - started) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      count++;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const anvilCpuAfter = await processCpuMs(chain.pid);
    const total = [...requests.values()].reduce((sum, n) => sum + n, 0);
    latencies.sort((a, b) => a - b);
    const figures: ChainVerificationFigures = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
      batchSize: documents.length,
      documents: count,
      seconds: Number(seconds.toFixed(3)),
      perSecond: Math.round(count / seconds),
      // the last bucket is a fraction of a second
      bestSecond: Math.max(0, ...[...perSecond].filter(([second]) => second < Math.floor(seconds)).map(([, n]) => n)),
      ethCallsPerDocument: Number(((requests.get("eth_call") ?? 0) / count).toFixed(3)),
      requestsPerDocument: Number((total / count).toFixed(3)),
      latencyMs: {
        p50: Number(percentile(latencies, 0.5).toFixed(3)),
        p99: Number(percentile(latencies, 0.99).toFixed(3)),
        max: Number((latencies.at(-1) ?? 0).toFixed(3)),
      },
      cpuMsPerDocument: {
        verifier: Number(((cpu.user + cpu.system) / 1000 / count).toFixed(3)),
        anvil:
          anvilCpuBefore === null || anvilCpuAfter === null
            ? null
            : Number(((anvilCpuAfter - anvilCpuBefore) / count).toFixed(3)),
      },
      note: "verifyDocument (format, integrity, Merkle proof, then one eth_call to CertificateLedger.verifyLeaf over HTTP) of documents parsed from JSON, sequentially, against anvil on this machine, anchoring transaction known (as the service verifies stored certificates)",
    };
    log(
      `chain   verify one after another: ${figures.perSecond} /s, best second ${figures.bestSecond} (${figures.documents} in ${figures.seconds} s; ` +
        `${figures.ethCallsPerDocument} eth_call per document; p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms; ` +
        `CPU per document: verifier ${figures.cpuMsPerDocument.verifier} ms, anvil ${figures.cpuMsPerDocument.anvil ?? "?"} ms)`,
    );
    return figures;
  } finally {
    provider.destroy();
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes("--chain-only")) await mergeResults("offline", await runCoreOfflineBench());
  await mergeResults("chain", await measureChainVerification());
  console.log(`written to ${RESULTS_FILE}`);
}
