import { readFileSync } from "node:fs";
import { Wallet, type JsonRpcProvider } from "ethers";
import { z } from "zod";
import { deploymentFile, DeploymentSchema, type Deployment } from "../../server/bootstrap/deployment.ts";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider, readChainId } from "../../server/chain/provider.ts";
import { loadConfig, type Config } from "../../server/config/loadConfig.ts";
import { openStore } from "../../server/store/open.ts";
import type { Store } from "../../server/store/port.ts";

export interface AdminContext {
  config: Config;
  store: Store;
  provider: JsonRpcProvider;
  deployment: Deployment;
  /** the platform authority's key: the dev key on the embedded chain, --key-file otherwise */
  governance(): Wallet;
  /** the embedded demo setup's agency admin (dev only), or null on an external chain */
  devAgencyAdmin(): Wallet | null;
  close(): Promise<void>;
}

const privateKey = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "a 32-byte hex private key");

/**
 * What the admin commands act on: the service's configuration (environment and .env), its
 * database, and its chain. On the embedded default the local chain is joined when the service
 * runs, or started for the command when it does not.
 */
export async function openAdminContext(options: { keyFile?: string | undefined }): Promise<AdminContext> {
  const config = loadConfig(process.env);
  let local: LocalChain | null = null;
  let rpcUrl: string;
  let deployment: Deployment;
  if (config.chain.mode === "embedded") {
    rpcUrl = `http://127.0.0.1:${config.chain.localChainPort}`;
    try {
      await readChainId(rpcUrl, 2_000);
    } catch {
      local = await startLocalChain({ dataDir: config.dataDir, port: config.chain.localChainPort });
      rpcUrl = local.rpcUrl;
    }
    let text: string;
    try {
      text = readFileSync(deploymentFile(config.dataDir), "utf8");
    } catch {
      await local?.stop();
      throw new Error(`no deployment in ${config.dataDir}: run \`npm start\` once first`);
    }
    deployment = DeploymentSchema.parse(JSON.parse(text));
  } else {
    rpcUrl = config.chain.rpcUrl;
    deployment = {
      chainId: await readChainId(rpcUrl),
      registry: config.chain.registryAddress,
      ledger: config.chain.ledgerAddress,
      deploymentBlock: config.chain.deploymentBlock ?? 0,
    };
  }
  const provider = createProvider(rpcUrl, { chainId: deployment.chainId });
  let store: Store;
  try {
    ({ store } = await openStore(
      { databaseUrl: config.databaseUrl, dataDir: config.dataDir },
      { applicationName: "certledger-cli" },
    ));
  } catch (error) {
    provider.destroy();
    await local?.stop();
    throw error;
  }
  const embedded = config.chain.mode === "embedded";
  return {
    config,
    store,
    provider,
    deployment,
    governance() {
      if (options.keyFile) return new Wallet(privateKey.parse(readFileSync(options.keyFile, "utf8")), provider);
      if (embedded) return new Wallet(devAccountKeys().governance, provider);
      throw new Error("on an external chain, pass the governance key with --key-file <file>");
    },
    devAgencyAdmin() {
      return embedded ? new Wallet(devAccountKeys().agencyAdmin, provider) : null;
    },
    async close() {
      await store.close();
      provider.destroy();
      await local?.stop();
    },
  };
}

/** Runs `work` with an admin context and always closes it. */
export async function withAdmin<T>(
  options: { keyFile?: string | undefined },
  work: (ctx: AdminContext) => Promise<T>,
): Promise<T> {
  const ctx = await openAdminContext(options);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
