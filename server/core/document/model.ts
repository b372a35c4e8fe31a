/** The certificate document format `certledger/2` (see docs/document-format.md). */
export const DOCUMENT_VERSION = "certledger/2";

/**
 * The first format, refused by verifiers: its certificate hash did not bind a hidden field's name
 * to its hash, so a holder could relabel or drop any hidden field (validUntil included).
 */
export const LEGACY_DOCUMENT_VERSION = "certledger/1";

/** Values a field may hold; nested arrays and objects are not part of `certledger/2`. */
export type FieldValue = string | number | boolean;

export interface Issuer {
  /** the agency's uint32 id in the on-chain registry */
  agencyId: number;
  /** never hidden: the verifier shows who issued the certificate */
  name: string;
  /** six-digit GB/T 2260 administrative division code */
  jurisdiction: string;
}

/** The Merkle proof that puts the certificate's leaf under a batch root, and where it was anchored. */
export interface ProofBlock {
  root: string;
  proof: string[];
  leaf: string;
  /** the leaf's position label in its batch (addresses its status bit on chain) */
  index: number;
  chainId?: number;
  ledger?: string;
  txHash?: string;
}

export interface CertificateDocument {
  version: typeof DOCUMENT_VERSION;
  id: string;
  type: string;
  issuer: Issuer;
  subject: Record<string, FieldValue>;
  validFrom: string;
  validUntil?: string;
  issuedAt?: string;
  supersedes?: string;
  /** field path -> 128-bit salt (32 lowercase hex digits), for every field shown */
  salts: Record<string, string>;
  /** field path -> field hash, for every field the holder hid */
  hidden?: Record<string, string>;
  proof?: ProofBlock;
}

/** A document that has been batched: it carries its proof block. */
export type BatchedDocument = CertificateDocument & { proof: ProofBlock };

/** What an issuer provides; the core adds id (unless given), issuedAt (unless given) and salts. */
export interface CertificateInput {
  id?: string;
  type: string;
  issuer: { agencyId: number; name: string; jurisdiction: string };
  subject: Record<string, FieldValue>;
  validFrom: string;
  validUntil?: string;
  issuedAt?: string;
  supersedes?: string;
}
