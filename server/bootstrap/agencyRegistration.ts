import type { Signer } from "ethers";
import type { IAgencyRegistry } from "../../types/ethers-contracts/index.ts";
import { bindOfficer } from "../chain/officerConsent.ts";
import type { Keccak256 } from "../core/hashing/keccak.ts";
import { agencyMetadataHash } from "./demoAgency.ts";

export interface NewAgency {
  agencyId: number;
  name: string;
  nameEn?: string | null;
  /** six-digit administrative-division code */
  jurisdiction: string;
  /** the type ids it may issue, as a bitmask (`typesMask`) */
  types: bigint;
}

/**
 * Governance registers `agency` with `admin` as its admin, through `registry` connected to the
 * governance key; the registry records the hash of its public metadata. Waits for the receipt.
 */
export async function registerAgency(
  registry: IAgencyRegistry,
  keccak: Keccak256,
  agency: NewAgency,
  admin: string,
): Promise<void> {
  const metadata = agencyMetadataHash(keccak, {
    name: agency.name,
    nameEn: agency.nameEn ?? null,
    jurisdiction: agency.jurisdiction,
  });
  await (
    await registry.registerAgency(agency.agencyId, Number(agency.jurisdiction), metadata, admin, agency.types)
  ).wait();
}

/** `registerAgency`, then its admin binds each officer key, with that key's own consent. */
export async function registerAgencyWithOfficers(
  registry: IAgencyRegistry,
  keccak: Keccak256,
  agency: NewAgency,
  admin: Signer,
  officers: readonly Signer[],
): Promise<void> {
  await registerAgency(registry, keccak, agency, await admin.getAddress());
  const asAdmin = registry.connect(admin);
  for (const officer of officers) await bindOfficer(asAdmin, officer, agency.agencyId);
}
