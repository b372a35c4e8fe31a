import { readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Provider } from "ethers";
import { pino } from "pino";
import { AnchorService } from "../../server/anchoring/anchorService.ts";
import { DeploymentSchema, deploymentFile } from "../../server/bootstrap/deployment.ts";
import { Keyring } from "../../server/chain/keyring.ts";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { startLocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { CertificateBatchTree } from "../../server/core/batch/merkle.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { HolderAccess } from "../../server/services/holder/holderAccess.ts";
import { IssuanceService, type IssueRequest } from "../../server/services/issuance.ts";
import { openStore } from "../../server/store/open.ts";
import { signerLeaseName } from "../../server/store/port.ts";
import { MIGRATIONS } from "../../server/store/sqlite/schema.ts";
import { sampleInputs } from "../support/samples.ts";
import { freePort, waitFor } from "../support/serviceProcess.ts";
import { startBenchService } from "./benchService.ts";

/** What a filled store is made of; a cached store is reused only when these and its schema match. */
export interface FillParameters {
  certificates: number;
  /** certificates per anchored batch (the service's default BATCH_SIZE) */
  batchSize: number;
}

export interface FilledStore {
  dataDir: string;
  /** false when a cached store was reused: the figures below are then those its fill recorded */
  filledNow: boolean;
  /** when the store was filled; null for a cached store whose marker predates the field */
  filledAt: string | null;
  /** how long filling took */
  fillSeconds: number | null;
  /**
   * bytes the filling wrote per certificate: what the filling process handed to write calls while
   * it issued and anchored (SQLite's database, WAL and checkpoints, nearly all of it), from Linux's
   * /proc/self/io; null where /proc cannot be read
   */
  writtenBytesPerCertificate: number | null;
}

interface Marker {
  parameters: string;
  filledAt?: string;
  fillSeconds: number | null;
  writtenBytesPerCertificate: number | null;
}

/**
 * Bumped whenever what a fill writes or records changes, so older cached stores are not reused
 * (2: the marker records the bytes the filling wrote).
 */
const FILL_FORMAT = 2;
/**
 * The schema a store is filled under (its `user_version`: one per migration). A store filled under
 * an older one is filled again, not reused: its first start would migrate it, timed as a start, and
 * a migrated store need not hold what a fill under the new schema writes.
 */
const SCHEMA_VERSION = MIGRATIONS.length;
const MARKER = "bench-fill.json";
const LEASE_MS = 600_000;

/** Each shipped type in turn, one type per batch, as an agency issuing all of them would. */
function requestsFor(type: string, first: number, count: number): IssueRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const { subject, validFrom, validUntil } = sampleInputs(first + i)[type]!;
    return { type, subject, validFrom, validUntil };
  });
}

/**
 * Until the local chain has mined the transaction: it mines each one as it arrives, but its receipt
 * may lag the answer to the send by a moment, and polling for blocks would cost a quarter second.
 */
async function mined(provider: Provider, txHash: string | null): Promise<void> {
  if (txHash === null) throw new Error("the batch was not sent");
  await waitFor(
    "the anchoring transaction to be mined",
    async () => (await provider.getTransactionReceipt(txHash)) ?? undefined,
    30_000,
    5,
  );
}

/**
 * A data folder of the embedded default holding `parameters.certificates` anchored certificates,
 * made once under `cacheDir` and reused while its parameters and schema match. The first
 * `npm start` deploys the contracts and makes the demo agency and its keys; then, with the service
 * stopped, each batch is issued by the service's own IssuanceService (validation, salts, hashes,
 * holder links), and anchored by its AnchorService on the data folder's own chain, every
 * write through the Store port in the transactions the service itself uses (a batch of
 * certificates in one).
 */
export async function filledStore(
  parameters: FillParameters,
  cacheDir: string,
  progress: (line: string) => void,
): Promise<FilledStore> {
  const dataDir = join(cacheDir, `store-${parameters.certificates}-batch${parameters.batchSize}`);
  const wanted = JSON.stringify({ format: FILL_FORMAT, schema: SCHEMA_VERSION, ...parameters });
  try {
    const marker = JSON.parse(await readFile(join(dataDir, MARKER), "utf8")) as Marker;
    if (marker.parameters === wanted) {
      const { filledAt, fillSeconds, writtenBytesPerCertificate } = marker;
      return { dataDir, filledNow: false, filledAt: filledAt ?? null, fillSeconds, writtenBytesPerCertificate };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const started = performance.now();
  await (await startBenchService({ dataDir })).stop();
  const writtenBefore = bytesWritten();
  await issueAndAnchor(dataDir, parameters, progress);
  const writtenAfter = bytesWritten();
  const fillSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  const writtenBytesPerCertificate =
    writtenBefore === null || writtenAfter === null
      ? null
      : Math.round((writtenAfter - writtenBefore) / parameters.certificates);
  const marker: Marker = {
    parameters: wanted,
    filledAt: new Date().toISOString(),
    fillSeconds,
    writtenBytesPerCertificate,
  };
  await writeFile(join(dataDir, MARKER), `${JSON.stringify(marker)}\n`);
  return { dataDir, filledNow: true, filledAt: marker.filledAt ?? null, fillSeconds, writtenBytesPerCertificate };
}

/**
 * Bytes this process has handed to write calls so far (`wchar`), or null off Linux. A random index
 * made SQLite write five times what a certificate holds before anyone counted (see the README).
 */
function bytesWritten(): number | null {
  try {
    const count = /^wchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"))?.[1];
    return count === undefined ? null : Number(count);
  } catch {
    return null;
  }
}

async function issueAndAnchor(
  dataDir: string,
  parameters: FillParameters,
  progress: (line: string) => void,
): Promise<void> {
  const logger = pino({ level: "silent" });
  const chain = await startLocalChain({ dataDir, port: await freePort(), logger });
  const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
  const { store, holder: holderStore } = await openStore({ databaseUrl: null, dataDir });
  try {
    const deployment = DeploymentSchema.parse(JSON.parse(await readFile(deploymentFile(dataDir), "utf8")));
    const keccak = await Keccak256.create();
    const types = builtinTypes();
    const keyring = new Keyring(provider, [devAccountKeys().serviceSigner], join(dataDir, "keys"));
    const key = (await store.listApiKeys()).find((k) => k.role === "issuer" && k.agencyId !== null);
    const agency = key?.agencyId == null ? null : await store.getAgency(key.agencyId);
    if (!key || !agency) throw new Error(`${dataDir} has no issuer key of an agency: the first start did not finish`);
    const now = () => new Date();
    const holderAccess = new HolderAccess({ holderStore, publicUrl: "http://127.0.0.1:3000", now });
    const issuance = new IssuanceService({ store, holderAccess, types, keccak, publicUrl: "http://127.0.0.1:3000" });
    const anchors = new AnchorService(
      {
        store,
        provider,
        ledger: deployment.ledger,
        chainId: deployment.chainId,
        deploymentBlock: deployment.deploymentBlock,
        signerFor: () => Promise.resolve(keyring.queue(agency.signer)),
        buildTree: (leaves) => CertificateBatchTree.of(leaves, keccak),
        logger,
      },
      { confirmations: 0, receiptTimeoutMs: 30_000 },
    );
    // the service that made the agency holds the officer key's lease under the same holder name
    const lease = signerLeaseName(agency.signer);
    const token = await store.acquireLease(lease, "local", LEASE_MS);
    if (token === null) throw new Error(`the lease on ${agency.signer} is held by another process`);
    const typeNames = types.list().map((t) => t.name);
    const batches = Math.ceil(parameters.certificates / parameters.batchSize);
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const first = b * parameters.batchSize;
      const count = Math.min(parameters.batchSize, parameters.certificates - first);
      const type = typeNames[b % typeNames.length]!;
      await issuance.issue(key, requestsFor(type, first, count), null);
      const members = await store.takePending(agency.agencyId, types.get(type).typeId, count);
      const sent = await anchors.send(await anchors.prepare(agency.agencyId, types.get(type).typeId, members));
      await mined(provider, sent.txHash);
      await anchors.confirm(sent);
      if ((b + 1) % 50 === 0 || b === batches - 1) {
        const seconds = (performance.now() - started) / 1000;
        progress(`filled ${(first + count).toLocaleString("en")} (${Math.round((first + count) / seconds)}/s)`);
      }
    }
    await store.releaseLease(lease, "local", token);
  } finally {
    await store.close();
    provider.destroy();
    await chain.stop();
  }
}
