import { readFile } from "node:fs/promises";
import { ContractFactory, type InterfaceAbi, type Signer } from "ethers";
import { z } from "zod";
import type { AgencyRegistry, CertificateLedger } from "../../types/ethers-contracts/index.ts";

export type CertledgerContractName = "AgencyRegistry" | "CertificateLedger";

export interface ContractArtifact {
  contractName: CertledgerContractName;
  abi: InterfaceAbi;
  bytecode: string;
}

export interface DeployedCertledger {
  registry: string;
  ledger: string;
  /** the block of the registry's deployment: where event scans start */
  deploymentBlock: number;
}

export class ArtifactError extends Error {
  readonly code = "ARTIFACT_UNAVAILABLE";
}

const ArtifactSchema = z.object({
  contractName: z.enum(["AgencyRegistry", "CertificateLedger"]),
  abi: z.array(z.record(z.string(), z.unknown())),
  bytecode: z.string().regex(/^0x(?:[0-9a-fA-F]{2})+$/, "deployable bytecode"),
});

/** Hardhat's artifacts folder of this repository (`hardhat build` writes it). */
export const DEFAULT_ARTIFACTS_DIR = new URL("../../artifacts/", import.meta.url);

/** The ABI and creation bytecode of one of our contracts, from Hardhat's build artifacts. */
export async function readArtifact(
  name: CertledgerContractName,
  artifactsDir: URL = DEFAULT_ARTIFACTS_DIR,
): Promise<ContractArtifact> {
  const file = new URL(`contracts/${name}.sol/${name}.json`, artifactsDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ArtifactError(`no build artifact for ${name} at ${file.pathname}: run \`npm run build\``, {
      cause: error,
    });
  }
  const parsed = ArtifactSchema.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.contractName !== name) {
    throw new ArtifactError(`${file.pathname} is not a deployable ${name} artifact`, { cause: parsed.error });
  }
  return { contractName: name, abi: parsed.data.abi as InterfaceAbi, bytecode: parsed.data.bytecode };
}

/** Two days between starting and accepting a move of the governance role. */
export const DEFAULT_GOVERNANCE_TRANSFER_DELAY = 2 * 24 * 3600;
/** How far back an agency admin may declare one of its keys compromised: 30 days. */
export const DEFAULT_COMPROMISE_WINDOW = 30 * 24 * 3600;

/**
 * Deploys the registry (governed by `governance`) and the ledger that trusts it from `deployer`,
 * waiting for each receipt. Nonces are taken once and set explicitly: a provider that caches
 * `eth_getTransactionCount` for a moment would otherwise hand the ledger the registry's nonce.
 */
export async function deployCertledger(
  deployer: Signer,
  options: { governance: string; artifactsDir?: URL; governanceTransferDelay?: number; compromiseWindow?: number },
): Promise<DeployedCertledger> {
  const [registryArtifact, ledgerArtifact] = await Promise.all([
    readArtifact("AgencyRegistry", options.artifactsDir),
    readArtifact("CertificateLedger", options.artifactsDir),
  ]);
  const nonce = await deployer.getNonce("pending");

  const registryFactory = new ContractFactory(registryArtifact.abi, registryArtifact.bytecode, deployer);
  const registry = (await registryFactory.deploy(
    options.governance,
    options.governanceTransferDelay ?? DEFAULT_GOVERNANCE_TRANSFER_DELAY,
    options.compromiseWindow ?? DEFAULT_COMPROMISE_WINDOW,
    { nonce },
  )) as unknown as AgencyRegistry;
  const registryReceipt = await registry.deploymentTransaction()?.wait();
  if (!registryReceipt) throw new Error("the registry deployment has no receipt");
  const registryAddress = await registry.getAddress();

  const ledgerFactory = new ContractFactory(ledgerArtifact.abi, ledgerArtifact.bytecode, deployer);
  const ledger = (await ledgerFactory.deploy(registryAddress, { nonce: nonce + 1 })) as unknown as CertificateLedger;
  const ledgerReceipt = await ledger.deploymentTransaction()?.wait();
  if (!ledgerReceipt) throw new Error("the ledger deployment has no receipt");

  return { registry: registryAddress, ledger: await ledger.getAddress(), deploymentBlock: registryReceipt.blockNumber };
}
