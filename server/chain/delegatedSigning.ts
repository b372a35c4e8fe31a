import { Signature, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

/**
 * EIP-712 messages an officer key signs so that anyone (a relayer holding no officer key) can send
 * the call for it: CertificateLedger.anchorBySig and changeStatusBySig. The ledger checks the
 * signature, the deadline and the officer's rights exactly as for the officer's own call. A status
 * change names `version` = statusVersion(agencyId, root, index), the version of the certificate's
 * status word, which the change moves on: each signature is good for one call, and signatures for
 * certificates in different status words (index / 32) do not wait on each other. An anchor has no
 * nonce: the ledger never deletes a batch, so a replayed anchor finds its root taken.
 *
 * changeStatusBySig takes the signature in the EIP-2098 compact form (`compactSignature`).
 *
 * Domain: name "certledger CertificateLedger", version "2", the chain id and the ledger's address.
 */
export const DELEGATED_TYPES = {
  Anchor: [
    { name: "officer", type: "address" },
    { name: "root", type: "bytes32" },
    { name: "typeId", type: "uint8" },
    { name: "size", type: "uint24" },
    { name: "deadline", type: "uint256" },
  ],
  StatusChange: [
    { name: "officer", type: "address" },
    { name: "agencyId", type: "uint32" },
    { name: "root", type: "bytes32" },
    { name: "leaf", type: "bytes32" },
    { name: "index", type: "uint256" },
    { name: "status", type: "uint8" },
    { name: "reason", type: "uint8" },
    { name: "version", type: "uint32" },
    { name: "deadline", type: "uint256" },
  ],
} as const satisfies Record<string, readonly TypedDataField[]>;

/** The LeafStatus a StatusChange moves a certificate to. */
export const LEAF_STATUS = { active: 0, suspended: 1, revoked: 2 } as const;

export function ledgerDomain(chainId: bigint | number, ledger: string): TypedDataDomain {
  return { name: "certledger CertificateLedger", version: "2", chainId, verifyingContract: ledger };
}

export interface AnchorMessage {
  root: string;
  typeId: number;
  size: number;
  deadline: number;
}

export interface StatusChangeMessage {
  agencyId: number;
  root: string;
  leaf: string;
  index: number | bigint;
  status: (typeof LEAF_STATUS)[keyof typeof LEAF_STATUS];
  reason: number;
  version: bigint | number;
  deadline: number;
}

/** The officer's signature of an Anchor message for `ledger` on `chainId`. */
export async function signAnchor(
  officer: Signer,
  ledger: { address: string; chainId: bigint | number },
  message: AnchorMessage,
): Promise<string> {
  const { Anchor } = DELEGATED_TYPES;
  return officer.signTypedData(
    ledgerDomain(ledger.chainId, ledger.address),
    { Anchor: [...Anchor] },
    { officer: await officer.getAddress(), ...message },
  );
}

/** The officer's signature of a StatusChange message for `ledger` on `chainId`. */
export async function signStatusChange(
  officer: Signer,
  ledger: { address: string; chainId: bigint | number },
  message: StatusChangeMessage,
): Promise<string> {
  const { StatusChange } = DELEGATED_TYPES;
  return officer.signTypedData(
    ledgerDomain(ledger.chainId, ledger.address),
    { StatusChange: [...StatusChange] },
    { officer: await officer.getAddress(), ...message },
  );
}

/** A 65-byte signature in the EIP-2098 compact form changeStatusBySig takes: r, and s with the recovery bit on top. */
export function compactSignature(signature: string): { r: string; vs: string } {
  const parsed = Signature.from(signature);
  return { r: parsed.r, vs: parsed.yParityAndS };
}
