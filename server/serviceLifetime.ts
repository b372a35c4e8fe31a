import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import type { Logger } from "pino";
import { ensureCertificateTypes, ensureDeployment, type Deployment } from "./bootstrap/deployment.ts";
import { ensureDemoAgency } from "./bootstrap/demoAgency.ts";
import { devAccountKeys } from "./chain/localChain/devAccounts.ts";
import { Keyring } from "./chain/keyring.ts";
import { startLocalChain, type LocalChain } from "./chain/localChain/localChain.ts";
import { createProvider, readChainId } from "./chain/provider.ts";
import { loadSigners } from "./chain/signers/loadSigners.ts";
import { WalletSigner } from "./chain/signers/walletSigner.ts";
import type { Config } from "./config/loadConfig.ts";
import { Keccak256 } from "./core/hashing/keccak.ts";
import { builtinTypes } from "./core/registry/builtin.ts";
import { TrustListWatch } from "./services/trustListWatch.ts";
import { openStore } from "./store/open.ts";
import { assembleRuntime, type Runtime } from "./assembleRuntime.ts";

const HOLDER_PRUNE_INTERVAL_MS = 3_600_000;

export interface RunningService {
  url: string;
  runtime: Runtime;
  deployment: Deployment;
  /** stops taking requests, lets the pipeline finish its round, closes the store and the local chain */
  stop(): Promise<void>;
}

/**
 * Starts the whole service for `config`: the embedded local chain (and its contracts and demo
 * agency on the first start) or an external chain, the store, the pipeline, then the HTTP server.
 */
export async function startService(
  config: Config,
  io: { logger: Logger; print: (text: string) => void },
): Promise<RunningService> {
  const { logger } = io;
  const keccak = await Keccak256.create();
  const types = builtinTypes();
  // first of all: a list that is refused stops the start before anything else is touched
  const trustList = await TrustListWatch.open(config.trustList, { logger });
  let localChain: LocalChain | null = null;
  let rpcUrl: string;
  let chainId: number;
  if (config.chain.mode === "embedded") {
    localChain = await startLocalChain({ dataDir: config.dataDir, port: config.chain.localChainPort, logger });
    rpcUrl = localChain.rpcUrl;
    chainId = localChain.chainId;
  } else {
    rpcUrl = config.chain.rpcUrl;
    chainId = await readChainId(rpcUrl);
  }
  const provider = createProvider(rpcUrl, { chainId });
  let opened;
  try {
    opened = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    provider.destroy();
    await localChain?.stop();
    throw error;
  }
  const { store, holder: holderStore, shared } = opened;
  // Replicas sharing PostgreSQL each need their own lease identity; a lone SQLite service reclaims its own at once.
  const holder = shared ? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` : "local";
  try {
    let deployment: Deployment;
    const keysDir = join(config.dataDir, "keys");
    let keyring: Keyring;
    if (config.chain.mode === "embedded") {
      const dev = devAccountKeys();
      const governance = new Wallet(dev.governance, provider);
      deployment = await ensureDeployment({ dataDir: config.dataDir, provider, governance, chainId, logger });
      await ensureCertificateTypes({ registry: deployment.registry, governance, types, keccak });
      keyring = new Keyring(provider, [dev.serviceSigner], keysDir);
      await ensureDemoAgency({
        dataDir: config.dataDir,
        store,
        registry: deployment.registry,
        governance,
        agencyAdmin: new Wallet(dev.agencyAdmin, provider),
        officer: new Wallet(dev.serviceSigner),
        types,
        keccak,
        logger,
        print: io.print,
      });
    } else {
      deployment = {
        chainId,
        registry: config.chain.registryAddress,
        ledger: config.chain.ledgerAddress,
        deploymentBlock: config.chain.deploymentBlock ?? 0,
      };
      const signers = await loadSigners(config.chain.signers);
      const relayerKey = config.chain.signers.relayerKey;
      keyring = new Keyring(provider, relayerKey ? [] : signers, keysDir, {
        onKeyFile: (path, address) => {
          logger.warn(
            { path, signer: address },
            "PLAINTEXT OFFICER KEY FILE IN USE OUTSIDE THE EMBEDDED DEFAULT: anyone who can read this file can issue for the agency; move the key into an encrypted keystore (SIGNER_KEYSTORE) or a remote signer (REMOTE_SIGNER_URL) and delete the file",
          );
        },
      });
      if (relayerKey) {
        // relayer mode: the officers only sign EIP-712 messages; this key sends them and holds no right
        const relayer = WalletSigner.fromPrivateKey(relayerKey.reveal(), "environment");
        for (const signer of signers) keyring.addDelegated(signer, relayer, { ledger: deployment.ledger, chainId });
        logger.info(
          { relayer: relayer.address },
          "relayer mode: officer keys sign EIP-712 messages, the relayer key sends them",
        );
      }
      for (const signer of signers)
        logger.info(
          { signer: signer.address, origin: signer.origin, relayed: relayerKey !== null },
          "officer key available",
        );
    }

    const runtime = assembleRuntime({
      provider,
      chainId,
      deployment,
      keyring,
      store,
      holderStore,
      types,
      keccak,
      logger,
      publicUrl: config.publicUrl,
      holder: config.holder,
      http: config.http,
      anchoring: config.anchoring,
      trustList,
      serviceName: config.serviceName,
      chainReadTimeoutMs: config.chainReadTimeoutMs,
      verificationCacheEntries: config.verificationCacheEntries,
      replica: { holder },
      // the embedded chain never reorganises: index to its head; elsewhere wait as anchoring does
      audit: {
        indexPath: join(config.dataDir, "audit-index.db"),
        indexer: { confirmations: config.chain.mode === "embedded" ? 0 : config.anchoring.confirmations },
      },
    });
    await runtime.recover();
    runtime.leases.start();
    runtime.batcher.start();
    runtime.verificationCache.start();
    runtime.audit.start();
    trustList.start();
    // usage traces past retention go within the hour, not only at the next start
    const pruning = setInterval(() => {
      runtime.holder.traces.prune().catch((error: unknown) => {
        logger.warn({ err: error }, "pruning usage traces failed");
      });
    }, HOLDER_PRUNE_INTERVAL_MS);
    pruning.unref();

    const server: Server = createServer(runtime.listener);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    logger.info(
      {
        url,
        publicUrl: config.publicUrl,
        mode: config.chain.mode,
        store: shared ? "postgresql" : "sqlite",
        replica: holder,
        ledger: deployment.ledger,
      },
      "certledger listening",
    );

    let stopping: Promise<void> | null = null;
    return {
      url,
      runtime,
      deployment,
      stop() {
        stopping ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            server.closeAllConnections();
          });
          clearInterval(pruning);
          trustList.stop();
          await runtime.batcher.stop();
          await runtime.leases.stop();
          runtime.verificationCache.stop();
          await runtime.audit.stop();
          await runtime.holder.traces.stop();
          await store.close();
          provider.destroy();
          await localChain?.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    trustList.stop();
    await store.close();
    provider.destroy();
    await localChain?.stop();
    throw error;
  }
}
