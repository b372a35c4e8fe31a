import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Provider, Signer } from "ethers";
import type { Logger } from "pino";
import { z } from "zod";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { deployCertledger } from "../chain/contracts.ts";
import type { Keccak256 } from "../core/hashing/keccak.ts";
import { schemaHash, type CertificateTypeRegistry } from "../core/registry/registry.ts";

export const DeploymentSchema = z.strictObject({
  chainId: z.int().positive(),
  registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  ledger: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  deploymentBlock: z.int().nonnegative(),
});

export type Deployment = z.infer<typeof DeploymentSchema>;

export const deploymentFile = (dataDir: string): string => join(dataDir, "deployment.json");

async function readDeployment(path: string): Promise<Deployment | null> {
  try {
    return DeploymentSchema.parse(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`${path} is damaged: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The embedded chain's contracts: deployed on the first start and recorded in
 * `<DATA_DIR>/deployment.json`. Contract addresses follow from the deployer's nonce, so if a hard
 * kill of the local chain lost the deployment, deploying again from the same account lands at the
 * same addresses; anything else is refused rather than silently starting a new ledger.
 */
export async function ensureDeployment(deps: {
  dataDir: string;
  provider: Provider;
  governance: Signer;
  chainId: number;
  logger: Logger;
}): Promise<Deployment> {
  const path = deploymentFile(deps.dataDir);
  const recorded = await readDeployment(path);
  if (recorded) {
    if (recorded.chainId !== deps.chainId) {
      throw new Error(`${path} is for chain ${recorded.chainId}, the local chain is ${deps.chainId}`);
    }
    if ((await deps.provider.getCode(recorded.ledger)) !== "0x") return recorded;
    deps.logger.warn("the local chain lost the contracts (hard kill before its state was saved); deploying them again");
  }
  const deployed = await deployCertledger(deps.governance, { governance: await deps.governance.getAddress() });
  const deployment: Deployment = {
    chainId: deps.chainId,
    registry: deployed.registry,
    ledger: deployed.ledger,
    deploymentBlock: deployed.deploymentBlock,
  };
  if (recorded && (recorded.registry !== deployment.registry || recorded.ledger !== deployment.ledger)) {
    throw new Error(
      `the contracts were deployed again at other addresses than ${path} records; move ${deps.dataDir} aside to start afresh`,
    );
  }
  await writeFile(path, `${JSON.stringify(deployment, null, 2)}\n`, { mode: 0o644 });
  deps.logger.info({ registry: deployment.registry, ledger: deployment.ledger }, "contracts deployed");
  return deployment;
}

/** Defines on chain every shipped certificate type the registry does not know yet (governance only). */
export async function ensureCertificateTypes(deps: {
  registry: string;
  governance: Signer;
  types: CertificateTypeRegistry;
  keccak: Keccak256;
}): Promise<number> {
  const registry = AgencyRegistry__factory.connect(deps.registry, deps.governance);
  const defined = await registry.definedCertificateTypes();
  let added = 0;
  for (const type of deps.types.list()) {
    if ((defined >> BigInt(type.typeId)) & 1n) continue;
    await (await registry.defineCertificateType(type.typeId, schemaHash(type, deps.keccak))).wait();
    added++;
  }
  return added;
}
