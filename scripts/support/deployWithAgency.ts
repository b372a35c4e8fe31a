import type { Signer } from "ethers";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { registerAgencyWithOfficers } from "../../server/bootstrap/agencyRegistration.ts";
import { ensureCertificateTypes } from "../../server/bootstrap/deployment.ts";
import { typesMask } from "../../server/bootstrap/demoAgency.ts";
import { deployCertledger, type DeployedCertledger } from "../../server/chain/contracts.ts";
import type { Keccak256 } from "../../server/core/hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../../server/core/registry/registry.ts";

/**
 * A fresh certledger as benchmarks and tests need one: the contracts deployed from `governance`,
 * every type of `types` defined, `agency` registered (authorised for all of them) with `admin` as
 * its admin, and each of `officers` bound to it.
 */
export async function deployWithAgency(deps: {
  governance: Signer;
  admin: Signer;
  officers: readonly Signer[];
  types: CertificateTypeRegistry;
  keccak: Keccak256;
  agency: { agencyId: number; name: string; jurisdiction: string };
}): Promise<DeployedCertledger> {
  const { governance, admin, officers, types, keccak, agency } = deps;
  const deployed = await deployCertledger(governance, { governance: await governance.getAddress() });
  await ensureCertificateTypes({ registry: deployed.registry, governance, types, keccak });
  await registerAgencyWithOfficers(
    AgencyRegistry__factory.connect(deployed.registry, governance),
    keccak,
    { ...agency, types: typesMask(types) },
    admin,
    officers,
  );
  return deployed;
}
