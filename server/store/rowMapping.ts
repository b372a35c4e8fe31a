import type {
  AgencyRecord,
  AnchorProof,
  ApiKeyRecord,
  BatchLeaf,
  BatchRecord,
  BatchState,
  CertificateRecord,
  CertificateStanding,
  CertificateState,
  CertificateSummary,
  StatusOpRecord,
  StatusOpState,
} from "./records.ts";
import { decodeProofNodes } from "./proofNodes.ts";

/**
 * Rows to records, for both adapters: the tables have the same columns in SQLite and PostgreSQL
 * (documents in a table of their own in both, joined back as `document`), so one mapping keeps
 * them from drifting apart. The readers accept what either driver gives.
 */
export type Row = Record<string, unknown>;

export function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return v.toString();
  throw new TypeError(`expected a text column, got ${typeof v}`);
}
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));
// PostgreSQL's BIGINT columns arrive as strings (pg's default, lossless); every id and block number fits a double.
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Every column but the document, for reads of many certificates that never show it. */
export const SUMMARY_COLUMNS = `id, agency_id, type, type_id, leaf, state, batch_id, leaf_index, status, status_reason,
  status_note, status_updated_at, supersedes, issued_by_key, created_at, anchored_at`;

export function toSummary(r: Row): CertificateSummary {
  return {
    id: str(r.id),
    agencyId: num(r.agency_id),
    type: str(r.type),
    typeId: num(r.type_id),
    leaf: str(r.leaf),
    state: str(r.state) as CertificateRecord["state"],
    batchId: numOrNull(r.batch_id),
    leafIndex: numOrNull(r.leaf_index),
    status: str(r.status) as CertificateRecord["status"],
    statusReason: strOrNull(r.status_reason),
    statusNote: strOrNull(r.status_note),
    statusUpdatedAt: strOrNull(r.status_updated_at),
    supersedes: strOrNull(r.supersedes),
    issuedByKey: str(r.issued_by_key),
    createdAt: str(r.created_at),
    anchoredAt: strOrNull(r.anchored_at),
  };
}

/** What a certificate's batch `b` adds to its proof block, as toCertificate reads it. */
export const BATCH_ANCHOR_COLUMNS = `b.root AS batch_root, b.tx_hash AS batch_tx_hash, b.chain_id AS batch_chain_id,
  b.ledger AS batch_ledger`;

/**
 * From a row of a certificate `c` (every column, and its `document`) with BATCH_ANCHOR_COLUMNS of
 * its batch: each adapter writes the query, since the two key their documents differently.
 */
export function toCertificate(r: Row): CertificateRecord {
  const text = str(r.document);
  const summary = toSummary(r);
  let document: Record<string, unknown> | undefined;
  // Parsed on first use: the hottest read (a QR scan of an anchored certificate) seldom needs it.
  return Object.defineProperty(summary, "document", {
    enumerable: true,
    get: () => (document ??= withProofBlock(JSON.parse(text) as Record<string, unknown>, r, summary)),
  }) as CertificateRecord;
}

/**
 * The document as issued with its proof block last, where the core's withProof puts it. Documents
 * anchored before the proof had a column of its own carry the block inside, and their column is NULL.
 */
function withProofBlock(
  document: Record<string, unknown>,
  r: Row,
  summary: CertificateSummary,
): Record<string, unknown> {
  if (r.proof === null || r.proof === undefined) return document;
  if (summary.leafIndex === null) throw new TypeError(`certificate ${summary.id} has proof nodes but no leaf index`);
  const proof: AnchorProof = {
    root: str(r.batch_root),
    proof: decodeProofNodes(r.proof as Uint8Array),
    leaf: summary.leaf,
    index: summary.leafIndex,
    chainId: num(r.batch_chain_id),
    ledger: str(r.batch_ledger),
    txHash: str(r.batch_tx_hash),
  };
  return { ...document, proof };
}

export function toBatchLeaf(r: Row): BatchLeaf {
  return { id: str(r.id), leaf: str(r.leaf) };
}

export function toStanding(r: Row): Omit<CertificateStanding, "successors"> {
  return {
    id: str(r.id),
    leaf: str(r.leaf),
    state: str(r.state) as CertificateState,
    status: str(r.status) as CertificateRecord["status"],
    statusUpdatedAt: strOrNull(r.status_updated_at),
    anchoredAt: strOrNull(r.anchored_at),
  };
}

export function toBatch(r: Row): BatchRecord {
  return {
    id: num(r.id),
    agencyId: num(r.agency_id),
    typeId: num(r.type_id),
    root: str(r.root),
    size: num(r.size),
    state: str(r.state) as BatchState,
    signer: str(r.signer),
    nonce: numOrNull(r.nonce),
    txHash: strOrNull(r.tx_hash),
    blockNumber: numOrNull(r.block_number),
    createdAt: str(r.created_at),
    anchoredAt: strOrNull(r.anchored_at),
  };
}

export function toStatusOp(r: Row): StatusOpRecord {
  return {
    id: num(r.id),
    certificateId: str(r.certificate_id),
    kind: str(r.kind) as StatusOpRecord["kind"],
    reason: strOrNull(r.reason),
    note: strOrNull(r.note),
    state: str(r.state) as StatusOpState,
    signer: str(r.signer),
    nonce: numOrNull(r.nonce),
    txHash: strOrNull(r.tx_hash),
    blockNumber: numOrNull(r.block_number),
    error: strOrNull(r.error),
    requestedBy: str(r.requested_by),
    createdAt: str(r.created_at),
    doneAt: strOrNull(r.done_at),
  };
}

export function toApiKey(r: Row): ApiKeyRecord {
  return {
    id: str(r.id),
    hash: str(r.hash),
    agencyId: numOrNull(r.agency_id),
    role: str(r.role) as ApiKeyRecord["role"],
    label: str(r.label),
    createdAt: str(r.created_at),
    revokedAt: strOrNull(r.revoked_at),
  };
}

export function toAgency(r: Row): AgencyRecord {
  return {
    agencyId: num(r.agency_id),
    name: str(r.name),
    nameEn: strOrNull(r.name_en),
    jurisdiction: str(r.jurisdiction),
    signer: str(r.signer),
    createdAt: str(r.created_at),
  };
}
