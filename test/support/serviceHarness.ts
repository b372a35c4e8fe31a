import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { HDNodeWallet, Wallet, type Provider } from "ethers";
import { network } from "hardhat";
import { pino } from "pino";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { createApiKey } from "../../server/auth/apiKeys.ts";
import { ensureCertificateTypes } from "../../server/bootstrap/deployment.ts";
import { agencyMetadataHash, typesMask } from "../../server/bootstrap/demoAgency.ts";
import { deployCertledger } from "../../server/chain/contracts.ts";
import { DEV_MNEMONIC } from "../../server/chain/localChain/devAccounts.ts";
import { Keyring } from "../../server/chain/keyring.ts";
import { WalletSigner } from "../../server/chain/signers/walletSigner.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import type { TrustedDeployment } from "../../server/core/trust/deployments.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { requestIdMixin } from "../../server/observability/requestContext.ts";
import { TrustListWatch } from "../../server/services/trustListWatch.ts";
import type { HolderStore } from "../../server/store/holderPort.ts";
import type { Store } from "../../server/store/port.ts";
import { PgStore } from "../../server/store/postgres/pgStore.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { assembleRuntime, type Runtime } from "../../server/assembleRuntime.ts";
import { bindOfficer } from "../../server/chain/officerConsent.ts";

/** DEV-ONLY keys of the Hardhat network's default accounts (the public test mnemonic). */
export const devKey = (index: number): string =>
  HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0").deriveChild(index).privateKey;

export interface AgencyFixture {
  agencyId: number;
  jurisdiction: string;
  name: string;
  officer: Wallet;
  admin: Wallet;
  issuerKey: string;
}

export interface Harness {
  url: string;
  runtime: Runtime;
  store: Store & { holder: HolderStore };
  provider: Provider;
  ledger: string;
  registry: string;
  chainId: number;
  governance: Wallet;
  agencies: [AgencyFixture, AgencyFixture];
  auditorKey: string;
  keccak: Keccak256;
  /** anchors everything pending now, whatever its age */
  flush(): Promise<void>;
  /**
   * Raw SQL on the service's database through a second connection, as an intruder with file
   * access would: only with `startHarness({ storeOnDisk: true })`.
   */
  sql(statement: string, ...params: SQLInputValue[]): Record<string, SQLInputValue>[];
  close(): Promise<void>;
}

const AGENCIES = [
  { agencyId: 1, jurisdiction: "110000", name: "北京市市场监督管理局", officer: 1, admin: 2 },
  { agencyId: 2, jurisdiction: "120000", name: "天津市市场监督管理委员会", officer: 3, admin: 4 },
] as const;

/**
 * The whole service on the in-process Hardhat network: contracts deployed, two agencies (Beijing,
 * Tianjin) each with an officer key the service signs with, an issuer key per agency and an
 * auditor key, served on an ephemeral port. The batcher is not started: tests flush explicitly.
 */
export async function startHarness(
  options: {
    clock?: () => Date;
    publicUrl?: string;
    logLines?: string[];
    storeOnDisk?: boolean;
    rateLimitPerMinute?: number;
    chainReadTimeoutMs?: number;
    trustedDeployments?: readonly TrustedDeployment[];
    trustProxy?: boolean;
    corsOrigins?: readonly string[];
    /** relayer mode: the officers only sign EIP-712 messages, this key (DEV-ONLY) sends them */
    relayerKey?: string;
    /** the store on this PostgreSQL database (see `startPgCluster`) instead of SQLite */
    databaseUrl?: string;
  } = {},
): Promise<Harness> {
  const connection = await network.create();
  const provider = connection.ethers.provider;
  const { chainId } = await provider.getNetwork();
  const governance = new Wallet(devKey(0), provider);
  const deployed = await deployCertledger(governance, { governance: governance.address });
  const keccak = await Keccak256.create();
  const types = builtinTypes();
  await ensureCertificateTypes({ registry: deployed.registry, governance, types, keccak });
  const storeDir = options.storeOnDisk ? mkdtempSync(join(tmpdir(), "certledger-harness-")) : null;
  const storePath = storeDir ? join(storeDir, "certledger.db") : ":memory:";
  const store = options.databaseUrl ? await PgStore.open(options.databaseUrl) : SqliteStore.open(storePath);
  const registry = AgencyRegistry__factory.connect(deployed.registry, governance);
  const now = new Date();
  const agencies: AgencyFixture[] = [];
  for (const a of AGENCIES) {
    const officer = new Wallet(devKey(a.officer), provider);
    const admin = new Wallet(devKey(a.admin), provider);
    const metadata = agencyMetadataHash(keccak, { name: a.name, nameEn: null, jurisdiction: a.jurisdiction });
    await (
      await registry.registerAgency(a.agencyId, Number(a.jurisdiction), metadata, admin.address, typesMask(types))
    ).wait();
    await bindOfficer(registry.connect(admin), officer, a.agencyId);
    await store.upsertAgency({
      agencyId: a.agencyId,
      name: a.name,
      nameEn: null,
      jurisdiction: a.jurisdiction,
      signer: officer.address,
      createdAt: now.toISOString(),
    });
    const key = await createApiKey(store, { agencyId: a.agencyId, role: "issuer", label: "test officer", now });
    agencies.push({
      agencyId: a.agencyId,
      jurisdiction: a.jurisdiction,
      name: a.name,
      officer,
      admin,
      issuerKey: key.apiKey,
    });
  }
  const auditor = await createApiKey(store, { agencyId: null, role: "auditor", label: "test auditor", now });
  const officerKeys = AGENCIES.map((a) => devKey(a.officer));
  const keyring = new Keyring(provider, options.relayerKey ? [] : officerKeys);
  if (options.relayerKey) {
    const relayer = WalletSigner.fromPrivateKey(options.relayerKey, "environment");
    for (const key of officerKeys)
      keyring.addDelegated(WalletSigner.fromPrivateKey(key, "dev"), relayer, { ledger: deployed.ledger, chainId });
  }
  const lines = options.logLines;
  const logger = lines
    ? pino({ level: "trace", mixin: requestIdMixin }, { write: (line: string) => void lines.push(line) })
    : pino({ level: "silent" });

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicUrl = options.publicUrl ?? url;
  const runtime = assembleRuntime({
    provider,
    chainId: Number(chainId),
    deployment: deployed,
    keyring,
    store,
    holderStore: store.holder,
    types,
    keccak,
    logger,
    publicUrl,
    http: {
      bodyLimitBytes: 32 * 1024 * 1024,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
      corsOrigins: options.corsOrigins ?? [],
      trustProxy: options.trustProxy ?? false,
    },
    ...(options.chainReadTimeoutMs === undefined ? {} : { chainReadTimeoutMs: options.chainReadTimeoutMs }),
    anchoring: { batchSize: 1000, batchMaxAgeMs: 60_000, confirmations: 1, receiptTimeoutMs: 5_000 },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.trustedDeployments ? { trustList: TrustListWatch.fixed(options.trustedDeployments) } : {}),
  });
  await runtime.recover();
  server.on("request", runtime.listener);
  const [first, second] = agencies;
  if (!first || !second) throw new Error("unreachable: two agencies");
  return {
    url,
    runtime,
    store,
    provider,
    ledger: deployed.ledger,
    registry: deployed.registry,
    chainId: Number(chainId),
    governance,
    agencies: [first, second],
    auditorKey: auditor.apiKey,
    keccak,
    async flush() {
      await runtime.batcher.runOnce({ flushAll: true });
    },
    sql(statement, ...params) {
      if (!storeDir) throw new Error("startHarness({ storeOnDisk: true }) is needed for raw SQL");
      const db = new DatabaseSync(storePath, { timeout: 5000 });
      try {
        const prepared = db.prepare(statement);
        if (/^\s*select\b/i.test(statement)) return prepared.all(...params);
        prepared.run(...params);
        return [];
      } finally {
        db.close();
      }
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await runtime.audit.stop();
      await runtime.holder.traces.stop();
      await store.close();
      await connection.close();
      if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
