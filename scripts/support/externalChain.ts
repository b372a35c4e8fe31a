import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { createApiKey } from "../../server/auth/apiKeys.ts";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { startLocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import type { Store } from "../../server/store/port.ts";
import { freePort } from "./serviceProcess.ts";
import { deployWithAgency } from "./deployWithAgency.ts";

export interface ExternalChain {
  rpcUrl: string;
  chainId: number;
  ledger: string;
  registry: string;
  deploymentBlock: number;
  /** DEV-ONLY: the demo agency's officer key (anvil's public account 1) */
  officerKey: string;
  officer: string;
  /** the environment a service needs for this chain, signer excepted */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const AGENCY = { agencyId: 1, jurisdiction: "110000", name: "北京市市场监督管理局" } as const;

/**
 * A chain the services under test do not own, as replicas need: an anvil of its own, the contracts
 * deployed, every shipped type defined, one agency whose officer is anvil's account 1.
 */
export async function startExternalChain(): Promise<ExternalChain> {
  const dir = await mkdtemp(join(tmpdir(), "certledger-chain-"));
  const chain = await startLocalChain({ dataDir: dir, port: await freePort() });
  const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
  try {
    const dev = devAccountKeys();
    const governance = new Wallet(dev.governance, provider);
    const admin = new Wallet(dev.agencyAdmin, provider);
    const officer = new Wallet(dev.serviceSigner);
    const deployed = await deployWithAgency({
      governance,
      admin,
      officers: [officer],
      types: builtinTypes(),
      keccak: await Keccak256.create(),
      agency: AGENCY,
    });
    return {
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      ledger: deployed.ledger,
      registry: deployed.registry,
      deploymentBlock: deployed.deploymentBlock,
      officerKey: dev.serviceSigner,
      officer: officer.address,
      env: {
        CHAIN_RPC_URL: chain.rpcUrl,
        LEDGER_ADDRESS: deployed.ledger,
        REGISTRY_ADDRESS: deployed.registry,
        DEPLOYMENT_BLOCK: String(deployed.deploymentBlock),
      },
      async stop() {
        provider.destroy();
        await chain.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    provider.destroy();
    await chain.stop();
    throw error;
  }
}

/** Serves the chain's agency from `store` (whose officer is `chain.officer`); returns an issuer API key. */
export async function serveAgency(store: Store, chain: ExternalChain): Promise<string> {
  const now = new Date();
  await store.upsertAgency({ ...AGENCY, nameEn: null, signer: chain.officer, createdAt: now.toISOString() });
  return (await createApiKey(store, { agencyId: AGENCY.agencyId, role: "issuer", label: "e2e officer", now })).apiKey;
}
