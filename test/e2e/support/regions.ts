import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HDNodeWallet, Wallet } from "ethers";
import { AgencyRegistry__factory } from "../../../types/ethers-contracts/index.ts";
import { createApiKey } from "../../../server/auth/apiKeys.ts";
import { registerAgencyWithOfficers } from "../../../server/bootstrap/agencyRegistration.ts";
import { typesMask } from "../../../server/bootstrap/demoAgency.ts";
import { ensureCertificateTypes } from "../../../server/bootstrap/deployment.ts";
import { deployCertledger } from "../../../server/chain/contracts.ts";
import { DEV_MNEMONIC } from "../../../server/chain/localChain/devAccounts.ts";
import { createProvider } from "../../../server/chain/provider.ts";
import { Keccak256 } from "../../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../../server/core/registry/builtin.ts";
import { signTrustList } from "../../../server/core/trust/trustList.ts";
import { SqliteStore } from "../../../server/store/sqlite/sqliteStore.ts";
import { freePort, startServiceProcess, type ServiceProcess } from "../../../scripts/support/serviceProcess.ts";
import type { ExternalChain } from "../../../scripts/support/externalChain.ts";

/** DEV-ONLY: anvil's funded default accounts 0-9 (the public test mnemonic). */
export const devWallet = (index: number): Wallet =>
  new Wallet(HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0").deriveChild(index).privateKey);

export interface RegionAgency {
  agencyId: number;
  name: string;
  jurisdiction: string;
}

/** Governance registers an agency on `registry` and its admin binds `officer` to it. */
export async function registerAgency(
  chain: ExternalChain,
  registryAddress: string,
  governance: Wallet,
  agency: RegionAgency,
  admin: Wallet,
  officer: Wallet,
): Promise<void> {
  const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
  try {
    await registerAgencyWithOfficers(
      AgencyRegistry__factory.connect(registryAddress, governance.connect(provider)),
      await Keccak256.create(),
      { ...agency, types: typesMask(builtinTypes()) },
      admin.connect(provider),
      [officer],
    );
  } finally {
    provider.destroy();
  }
}

/** A look-alike deployment: the same contracts deployed again on the same chain by someone else. */
export async function deployLookalike(
  chain: ExternalChain,
  governance: Wallet,
): Promise<{ registry: string; ledger: string; deploymentBlock: number }> {
  const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
  try {
    const deployer = governance.connect(provider);
    const deployed = await deployCertledger(deployer, { governance: deployer.address });
    await ensureCertificateTypes({
      registry: deployed.registry,
      governance: deployer,
      types: builtinTypes(),
      keccak: await Keccak256.create(),
    });
    return { registry: deployed.registry, ledger: deployed.ledger, deploymentBlock: deployed.deploymentBlock };
  } finally {
    provider.destroy();
  }
}

export interface ListEntry {
  chainId: number;
  registry: string;
  ledger: string;
  name: { zh: string; en: string };
  origins: string[];
}

/** Writes a signed trust list file (`certledger trust-list sign` does the same). */
export async function writeTrustList(
  file: string,
  signer: Wallet,
  deployments: ListEntry[],
  validity: { issuedAt?: Date; expiresAt?: Date } = {},
): Promise<void> {
  const issuedAt = validity.issuedAt ?? new Date(Date.now() - 60_000);
  const expiresAt = validity.expiresAt ?? new Date(Date.now() + 86_400_000);
  const list = {
    format: "certledger-trust-list/1",
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    deployments,
  };
  await writeFile(file, JSON.stringify(await signTrustList(list, signer), null, 2));
}

export interface RegionalService {
  process: ServiceProcess;
  url: string;
  apiKey: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * One regional service as the README starts it, in a process of its own: its own data folder and
 * port, the shared chain's addresses (or a look-alike's), its own officer key, and its trust list.
 */
export async function startRegionalService(options: {
  chain: ExternalChain;
  deployment: { registry: string; ledger: string; deploymentBlock: number };
  agency: RegionAgency;
  officer: Wallet;
  name: { zh: string; en: string };
  port: number;
  publicUrl?: string;
  trustList?: { file: string; signer: string };
}): Promise<RegionalService> {
  const dataDir = await mkdtemp(join(tmpdir(), "certledger-region-"));
  const seed = SqliteStore.open(join(dataDir, "certledger.db"));
  const now = new Date();
  await seed.upsertAgency({
    ...options.agency,
    nameEn: null,
    signer: options.officer.address,
    createdAt: now.toISOString(),
  });
  const { apiKey } = await createApiKey(seed, { agencyId: options.agency.agencyId, role: "issuer", label: "e2e", now });
  await seed.close();
  const child = await startServiceProcess(
    {
      CHAIN_RPC_URL: options.chain.rpcUrl,
      LEDGER_ADDRESS: options.deployment.ledger,
      REGISTRY_ADDRESS: options.deployment.registry,
      DEPLOYMENT_BLOCK: String(options.deployment.deploymentBlock),
      SIGNER_KEY: options.officer.privateKey,
      DATA_DIR: dataDir,
      PORT: String(options.port),
      ...(options.publicUrl ? { PUBLIC_URL: options.publicUrl } : {}),
      BATCH_MAX_AGE_MS: "100",
      RATE_LIMIT_PER_MINUTE: "0",
      SERVICE_NAME_ZH: options.name.zh,
      SERVICE_NAME_EN: options.name.en,
      ...(options.trustList ? { TRUST_LIST: options.trustList.file, TRUST_LIST_SIGNER: options.trustList.signer } : {}),
    },
    process.cwd(),
    { direct: true },
  );
  return {
    process: child,
    url: child.url,
    apiKey,
    dataDir,
    async stop() {
      await child.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A TCP server that counts connections; `forwardTo` makes it a transparent proxy to that port. */
export async function countingSocket(forwardTo?: number): Promise<{
  port: number;
  url: string;
  connections: () => number;
  close(): Promise<void>;
}> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (forwardTo === undefined) return;
    const upstream = connect(forwardTo, "127.0.0.1");
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
