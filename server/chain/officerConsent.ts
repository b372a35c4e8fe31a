import type { Signer, TypedDataDomain, TypedDataField } from "ethers";
import type { IAgencyRegistry } from "../../types/ethers-contracts/index.ts";

/**
 * EIP-712 consent of an officer key to being bound to one agency (AgencyRegistry.addOfficer): without
 * it, an agency admin could bind another agency's fresh key first and own its batches for ever.
 * Domain: the contract's one EIP-712 domain (registry and ledger are one contract, so its consents and
 * delegated calls share it): name "certledger CertificateLedger", version "2", the chain id and the
 * contract's address.
 * Type: `OfficerConsent(uint32 agencyId,address officer,uint256 deadline)`, signed by `officer`.
 */
export const OFFICER_CONSENT_TYPES: Record<string, TypedDataField[]> = {
  OfficerConsent: [
    { name: "agencyId", type: "uint32" },
    { name: "officer", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
};

export function registryDomain(chainId: bigint | number, registry: string): TypedDataDomain {
  return { name: "certledger CertificateLedger", version: "2", chainId, verifyingContract: registry };
}

export interface OfficerConsent {
  agencyId: number;
  officer: string;
  /** unix seconds after which the registry refuses the consent */
  deadline: number;
  signature: string;
}

/** The officer key's signed consent to join `agencyId` on `registry`, valid until `deadline`. */
export async function signOfficerConsent(
  officer: Signer,
  consent: { registry: string; chainId: bigint | number; agencyId: number; deadline: number },
): Promise<OfficerConsent> {
  const address = await officer.getAddress();
  const signature = await officer.signTypedData(
    registryDomain(consent.chainId, consent.registry),
    OFFICER_CONSENT_TYPES,
    {
      agencyId: consent.agencyId,
      officer: address,
      deadline: consent.deadline,
    },
  );
  return { agencyId: consent.agencyId, officer: address, deadline: consent.deadline, signature };
}

/**
 * Binds `officer` to `agencyId` through `registry` (connected to the agency's admin or governance),
 * with the key's own consent, valid for `validForSeconds` from the latest block; waits for the receipt.
 */
export async function bindOfficer(
  registry: IAgencyRegistry,
  officer: Signer,
  agencyId: number,
  validForSeconds = 3600,
): Promise<void> {
  const provider = registry.runner?.provider;
  if (!provider) throw new Error("the registry is not connected to a provider");
  const [latest, network] = await Promise.all([provider.getBlock("latest"), provider.getNetwork()]);
  if (!latest) throw new Error("the chain has no latest block");
  const consent = await signOfficerConsent(officer, {
    registry: await registry.getAddress(),
    chainId: network.chainId,
    agencyId,
    deadline: latest.timestamp + validForSeconds,
  });
  await (await registry.addOfficer(agencyId, consent.officer, consent.deadline, consent.signature)).wait();
}
