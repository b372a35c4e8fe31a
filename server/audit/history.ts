import type { Store } from "../store/port.ts";
import type { CertificateRecord } from "../store/records.ts";
import type { AuditIndex } from "./auditIndex.ts";
import { reasonName, type AuditEvent, type EventKind } from "./events.ts";

export type HistoryEntryKind =
  "anchored" | "suspended" | "reinstated" | "revoked" | "batchRevoked" | "restored" | "batchRestored" | "supersededBy";

export interface HistoryEntry {
  event: HistoryEntryKind;
  blockNumber: number | null;
  txHash: string | null;
  logIndex: number | null;
  /** ISO 8601 time of the block */
  time: string | null;
  /** the account that acted on chain (officer or governance) */
  actor: string | null;
  agencyId: number | null;
  /** RFC 5280 reason name */
  reason: string | null;
  reasonCode: number | null;
  /** the API key of this service that asked for it; null when it was done outside the service */
  requestedBy: string | null;
  /** for `supersededBy`: the successor certificate */
  successorId?: string;
  /** for `restored` and `batchRestored`: the compromised key whose change governance undid */
  undid?: string;
}

export interface CertificateHistory {
  certificateId: string;
  agencyId: number;
  type: string;
  leaf: string;
  root: string | null;
  index: number | null;
  /** the last block the index had read: later events are not shown yet */
  indexedThrough: number | null;
  entries: HistoryEntry[];
}

const ENTRY: Partial<Record<EventKind, HistoryEntryKind>> = {
  BatchAnchored: "anchored",
  BatchRevoked: "batchRevoked",
  CertificateSuspended: "suspended",
  CertificateReinstated: "reinstated",
  CertificateRevoked: "revoked",
  CertificateRestored: "restored",
  BatchRestored: "batchRestored",
};

function fromEvent(event: AuditEvent, kind: HistoryEntryKind, requestedBy: string | null): HistoryEntry {
  return {
    event: kind,
    blockNumber: event.blockNumber,
    txHash: event.txHash,
    logIndex: event.logIndex,
    time: new Date(event.blockTime * 1000).toISOString(),
    actor: event.actor,
    agencyId: event.agencyId,
    reason: reasonName(event.reasonCode),
    reasonCode: event.reasonCode,
    requestedBy,
    ...(typeof event.details?.compromisedOfficer === "string" ? { undid: event.details.compromisedOfficer } : {}),
    ...(typeof event.details?.revokedBy === "string" ? { undid: event.details.revokedBy } : {}),
  };
}

async function anchoringOf(
  store: Store,
  index: AuditIndex,
  certificate: CertificateRecord,
): Promise<{ root: string; events: AuditEvent[] } | null> {
  if (certificate.batchId === null) return null;
  const batch = await store.getBatch(certificate.batchId);
  if (!batch) return null;
  return { root: batch.root, events: index.batchEvents(batch.agencyId, batch.root, certificate.leaf) };
}

/**
 * The timeline of one certificate as the chain tells it (from the audit index), in chain order:
 * its batch's anchoring, each status change of its leaf, a revocation of its whole batch, and the
 * anchoring of every certificate that supersedes it.
 */
export async function certificateHistory(
  deps: { store: Store; index: AuditIndex },
  certificate: CertificateRecord,
): Promise<CertificateHistory> {
  const { store, index } = deps;
  const requestedBy = new Map(
    (await store.statusHistory(certificate.id)).map((op) => [op.txHash?.toLowerCase(), op.requestedBy]),
  );
  const own = await anchoringOf(store, index, certificate);
  const entries: HistoryEntry[] = [];
  for (const event of own?.events ?? []) {
    const kind = ENTRY[event.kind];
    if (kind === undefined) continue;
    const by = kind === "anchored" ? certificate.issuedByKey : (requestedBy.get(event.txHash.toLowerCase()) ?? null);
    entries.push(fromEvent(event, kind, by));
  }
  for (const successorId of await store.findSuccessors(certificate.id)) {
    const successor = await store.getCertificate(successorId);
    const anchored = successor
      ? (await anchoringOf(store, index, successor))?.events.find((e) => e.kind === "BatchAnchored")
      : undefined;
    entries.push(
      anchored
        ? { ...fromEvent(anchored, "supersededBy", successor?.issuedByKey ?? null), successorId }
        : {
            event: "supersededBy",
            blockNumber: null,
            txHash: null,
            logIndex: null,
            time: null,
            actor: null,
            agencyId: successor?.agencyId ?? null,
            reason: null,
            reasonCode: null,
            requestedBy: successor?.issuedByKey ?? null,
            successorId,
          },
    );
  }
  // chain order; a successor not anchored yet comes last
  entries.sort(
    (a, b) =>
      (a.blockNumber ?? Number.MAX_SAFE_INTEGER) - (b.blockNumber ?? Number.MAX_SAFE_INTEGER) ||
      (a.logIndex ?? 0) - (b.logIndex ?? 0),
  );
  return {
    certificateId: certificate.id,
    agencyId: certificate.agencyId,
    type: certificate.type,
    leaf: certificate.leaf,
    root: own?.root ?? null,
    index: certificate.leafIndex,
    indexedThrough: index.indexedThrough(),
    entries,
  };
}
