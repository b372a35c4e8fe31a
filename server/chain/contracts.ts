import type { Signer } from "ethers";
import { AgencyRegistry__factory, CertificateLedger__factory } from "../../types/ethers-contracts/index.ts";

export interface DeployedCertledger {
  registry: string;
  ledger: string;
  /** the block of the registry's deployment: where event scans start */
  deploymentBlock: number;
}

/**
 * Deploys the registry (governed by `governance`) and the ledger that trusts it, one after the
 * other from `deployer`, waiting for each receipt. The bytecode comes from the typechain
 * factories that `hardhat build` generates.
 */
export async function deployCertledger(deployer: Signer, options: { governance: string }): Promise<DeployedCertledger> {
  const registry = await new AgencyRegistry__factory(deployer).deploy(options.governance);
  const registryReceipt = await registry.deploymentTransaction()?.wait();
  if (!registryReceipt) throw new Error("the registry deployment has no receipt");
  const registryAddress = await registry.getAddress();
  const ledger = await new CertificateLedger__factory(deployer).deploy(registryAddress);
  await ledger.deploymentTransaction()?.wait();
  return { registry: registryAddress, ledger: await ledger.getAddress(), deploymentBlock: registryReceipt.blockNumber };
}
