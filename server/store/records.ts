/**
 * What the service keeps about certificates, batches and keys. The chain is the source of truth
 * for who issued what and its status; these records are the service's working copy and outbox.
 */
export type CertificateState = "pending" | "anchored" | "failed";
export type CertificateStatus = "active" | "suspended" | "revoked";
export type ApiKeyRole = "issuer" | "auditor";

export interface CertificateRecord {
  id: string;
  agencyId: number;
  type: string;
  typeId: number;
  leaf: string;
  /**
   * the full document (every field and salt); its proof block is filled once anchored (from the
   * proof nodes stored beside the document and the batch's anchoring, so anchoring writes 32 bytes
   * a level, not the whole document again)
   */
  document: Record<string, unknown>;
  state: CertificateState;
  batchId: number | null;
  leafIndex: number | null;
  status: CertificateStatus;
  statusReason: string | null;
  statusNote: string | null;
  statusUpdatedAt: string | null;
  supersedes: string | null;
  issuedByKey: string;
  createdAt: string;
  anchoredAt: string | null;
}

/** A batch member as its batch's tree sees it. */
export interface BatchLeaf {
  id: string;
  leaf: string;
}

/** Where an anchored certificate's leaf sits: the document's `proof` block, as a read fills it in. */
export interface AnchorProof {
  root: string;
  proof: string[];
  leaf: string;
  index: number;
  chainId: number;
  ledger: string;
  txHash: string;
}

/**
 * A certificate without its document: what lists and scans over many certificates need. Its ~3 KB
 * document is most of a row, so reading many without it reads a fraction of the bytes.
 */
export type CertificateSummary = Omit<CertificateRecord, "document">;

/**
 * What a QR scan reads first: enough to tell whether the certificate's last verdict still holds
 * (its leaf, state, status and anchoring, and the certificates that supersede it, newest first).
 */
export type CertificateStanding = Pick<
  CertificateRecord,
  "id" | "leaf" | "state" | "status" | "statusUpdatedAt" | "anchoredAt"
> & { successors: string[] };

export type NewCertificate = Pick<
  CertificateRecord,
  "id" | "agencyId" | "type" | "typeId" | "leaf" | "document" | "supersedes" | "issuedByKey" | "createdAt"
> & {
  /**
   * sha256 (hex) of the holder secret made with the certificate: its holder access is written in
   * the certificate's own transaction, so no certificate is stored without the link its officer
   * is shown
   */
  holderSecretHash?: string;
};

export type BatchState = "prepared" | "sent" | "anchored";

export interface BatchRecord {
  id: number;
  agencyId: number;
  typeId: number;
  root: string;
  size: number;
  state: BatchState;
  signer: string;
  nonce: number | null;
  txHash: string | null;
  blockNumber: number | null;
  createdAt: string;
  anchoredAt: string | null;
}

export type StatusOpKind = "revoke" | "suspend" | "reinstate";
export type StatusOpState = "pending" | "sent" | "done" | "failed";
/** Not yet settled by the chain. A certificate has at most one operation in these states. */
export const UNFINISHED_STATUS_OP_STATES = ["pending", "sent"] as const satisfies readonly StatusOpState[];

export interface StatusOpRecord {
  id: number;
  certificateId: string;
  kind: StatusOpKind;
  reason: string | null;
  note: string | null;
  state: StatusOpState;
  signer: string;
  nonce: number | null;
  txHash: string | null;
  blockNumber: number | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  doneAt: string | null;
}

export interface ApiKeyRecord {
  id: string;
  hash: string;
  agencyId: number | null;
  role: ApiKeyRole;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface AgencyRecord {
  agencyId: number;
  name: string;
  nameEn: string | null;
  jurisdiction: string;
  /** the on-chain officer address whose key this service signs with for the agency */
  signer: string;
  createdAt: string;
}

export interface IdempotencyRecord {
  apiKeyId: string;
  key: string;
  requestHash: string;
  response: unknown;
  createdAt: string;
}

export interface CertificateQuery {
  agencyId?: number;
  type?: string;
  state?: CertificateState;
  status?: CertificateStatus;
  createdFrom?: string;
  createdTo?: string;
  /** ids sort by creation time (ULID): page with `after` = last id of the previous page */
  after?: string;
  limit: number;
}
