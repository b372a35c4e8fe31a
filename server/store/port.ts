import type {
  AgencyRecord,
  ApiKeyRecord,
  BatchLeaf,
  BatchRecord,
  BatchState,
  CertificateQuery,
  CertificateRecord,
  CertificateStanding,
  CertificateSummary,
  CertificateState,
  CertificateStatus,
  IdempotencyRecord,
  NewCertificate,
  StatusOpKind,
  StatusOpRecord,
  StatusOpState,
} from "./records.ts";

export interface PendingGroup {
  agencyId: number;
  typeId: number;
  count: number;
  oldestCreatedAt: string;
}

export interface NewBatch {
  agencyId: number;
  typeId: number;
  root: string;
  signer: string;
  createdAt: string;
  /** certificate ids in leaf-index order: members[i] gets leaf index i */
  members: string[];
}

export interface AnchoredBatch {
  txHash: string;
  blockNumber: number;
  anchoredAt: string;
  /** the deployment the batch was anchored on, which each member's proof block names */
  chainId: number;
  ledger: string;
  /**
   * each member's proof nodes (lowercase bytes32 hex), which with the batch's root and transaction
   * and the member's leaf and index make the proof block its document shows from then on
   */
  proofs: { id: string; proof: string[] }[];
}

export interface NewStatusOp {
  certificateId: string;
  kind: StatusOpKind;
  reason: string | null;
  note: string | null;
  signer: string;
  requestedBy: string;
  createdAt: string;
}

export interface CompletedStatusOp {
  txHash: string;
  blockNumber: number;
  doneAt: string;
  status: CertificateStatus;
  statusReason: string | null;
}

/** The lease on an officer key: whoever holds it is the only writer for that key (one nonce sequence). */
export function signerLeaseName(address: string): string {
  return `signer:${address.toLowerCase()}`;
}

/**
 * The storage port. Every method that changes more than one row does it atomically, so a crash
 * between any two calls leaves a state the pipeline can resume from.
 */
export interface Store {
  ping(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  upsertAgency(agency: AgencyRecord): Promise<void>;
  getAgency(agencyId: number): Promise<AgencyRecord | null>;
  listAgencies(): Promise<AgencyRecord[]>;

  insertApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;

  /**
   * Inserts certificates, the holder access of those that carry a holder secret's hash, and the
   * idempotency record of the request if given, in one transaction.
   */
  insertCertificates(certificates: NewCertificate[], idempotency?: IdempotencyRecord): Promise<void>;
  getIdempotency(apiKeyId: string, key: string): Promise<IdempotencyRecord | null>;
  getCertificate(id: string): Promise<CertificateRecord | null>;
  /** certificates without their documents, in id (creation) order */
  queryCertificates(query: CertificateQuery): Promise<CertificateSummary[]>;
  countCertificates(): Promise<Record<CertificateState, number>>;
  /** certificates that name `id` in `supersedes`, newest first */
  findSuccessors(id: string): Promise<string[]>;
  /** a certificate's standing and successors in one read, without its document */
  getCertificateStanding(id: string): Promise<CertificateStanding | null>;

  pendingGroups(): Promise<PendingGroup[]>;
  /**
   * pending certificates of one group not yet in a batch, oldest first; without their documents,
   * which cutting a batch never reads (a thousand of them are about 3 MB)
   */
  takePending(agencyId: number, typeId: number, limit: number): Promise<CertificateSummary[]>;
  createBatch(batch: NewBatch): Promise<BatchRecord>;
  markBatchSent(batchId: number, nonce: number, txHash: string): Promise<void>;
  markBatchAnchored(batchId: number, anchored: AnchoredBatch): Promise<void>;
  /**
   * Back to `prepared` (e.g. the chain lost the transaction); members keep their leaf indices and
   * lose their proof blocks, which pointed at the lost transaction.
   */
  markBatchUnsent(batchId: number): Promise<void>;
  getBatch(batchId: number): Promise<BatchRecord | null>;
  getBatchByRoot(root: string): Promise<BatchRecord | null>;
  listBatches(states: BatchState[]): Promise<BatchRecord[]>;
  /** member certificates of a batch in leaf-index order */
  batchMembers(batchId: number): Promise<CertificateRecord[]>;
  /**
   * what a batch's tree is built from: each member's id and leaf in leaf-index order, without the
   * documents (a thousand of them are about 3 MB)
   */
  batchLeaves(batchId: number): Promise<BatchLeaf[]>;

  /** Throws `StatusOpPendingError` while the certificate has an unfinished operation. */
  createStatusOp(op: NewStatusOp): Promise<StatusOpRecord>;
  markStatusOpSent(opId: number, nonce: number, txHash: string): Promise<void>;
  completeStatusOp(opId: number, done: CompletedStatusOp): Promise<void>;
  failStatusOp(opId: number, error: string): Promise<void>;
  markStatusOpUnsent(opId: number): Promise<void>;
  getStatusOp(opId: number): Promise<StatusOpRecord | null>;
  listStatusOps(states: StatusOpState[]): Promise<StatusOpRecord[]>;
  /** the certificate's unfinished operation (`UNFINISHED_STATUS_OP_STATES`), if it has one */
  unfinishedStatusOp(certificateId: string): Promise<StatusOpRecord | null>;
  /** completed status operations of a certificate, oldest first */
  statusHistory(certificateId: string): Promise<StatusOpRecord[]>;

  /**
   * Leases (one holder per name at a time, timed by the database's clock where it has one). A grant
   * carries a fencing token, unique and increasing across the database: once a lease on
   * `signerLeaseName(s)` has ever been granted, the outbox writes of signer `s` (creating, sending,
   * confirming or failing its batches and status operations) commit only through the store instance
   * that holds its current token, and otherwise throw `FencedOutError`.
   * `acquireLease` returns the token, or null while another holder's lease runs; the holder that
   * already has it keeps its token.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<number | null>;
  /** Extends a lease still held with this token; false when it expired or was taken. */
  renewLease(name: string, holder: string, token: number, ttlMs: number): Promise<boolean>;
  /** Lets the lease go at once (its token still fences until another holder takes it). */
  releaseLease(name: string, holder: string, token: number): Promise<void>;
}
