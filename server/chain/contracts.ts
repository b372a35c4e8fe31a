import { readFile } from "node:fs/promises";
import { ContractFactory, type InterfaceAbi, type Signer } from "ethers";
import { z } from "zod";
import type { CertificateLedger } from "../../types/ethers-contracts/index.ts";

/** The one deployable contract: registry and ledger are one (AgencyRegistry is its abstract base). */
export type CertledgerContractName = "CertificateLedger";

export interface ContractArtifact {
  contractName: CertledgerContractName;
  abi: InterfaceAbi;
  bytecode: string;
}

/**
 * Where a deployment lives. Registry and ledger are one contract, so `registry` and `ledger` are the
 * same address; both stay in every configuration, descriptor and trust list (the smaller change: the
 * formats keep their fields, and a verifier reads each half at the address that names it).
 */
export interface DeployedCertledger {
  registry: string;
  ledger: string;
  /** the block of the deployment: where event scans start */
  deploymentBlock: number;
}

export class ArtifactError extends Error {
  readonly code = "ARTIFACT_UNAVAILABLE";
}

const ArtifactSchema = z.object({
  contractName: z.literal("CertificateLedger"),
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
  if (!parsed.success) {
    throw new ArtifactError(`${file.pathname} is not a deployable ${name} artifact`, { cause: parsed.error });
  }
  return { contractName: name, abi: parsed.data.abi as InterfaceAbi, bytecode: parsed.data.bytecode };
}

/** Two days between starting and accepting a move of the governance role. */
export const DEFAULT_GOVERNANCE_TRANSFER_DELAY = 2 * 24 * 3600;
/** How far back an agency admin may declare one of its keys compromised: 30 days. */
export const DEFAULT_COMPROMISE_WINDOW = 30 * 24 * 3600;

/**
 * Deploys the certledger contract (registry and ledger in one, governed by `governance`) from
 * `deployer`, waiting for the receipt.
 */
export async function deployCertledger(
  deployer: Signer,
  options: { governance: string; artifactsDir?: URL; governanceTransferDelay?: number; compromiseWindow?: number },
): Promise<DeployedCertledger> {
  const artifact = await readArtifact("CertificateLedger", options.artifactsDir);
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer);
  const ledger = (await factory.deploy(
    options.governance,
    options.governanceTransferDelay ?? DEFAULT_GOVERNANCE_TRANSFER_DELAY,
    options.compromiseWindow ?? DEFAULT_COMPROMISE_WINDOW,
  )) as unknown as CertificateLedger;
  const receipt = await ledger.deploymentTransaction()?.wait();
  if (!receipt) throw new Error("the deployment has no receipt");
  const address = await ledger.getAddress();
  return { registry: address, ledger: address, deploymentBlock: receipt.blockNumber };
}
