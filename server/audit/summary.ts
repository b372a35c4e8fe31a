import type { AuditIndex } from "./auditIndex.ts";
import { reasonName } from "./events.ts";
import type { TypeName } from "./exportFormat.ts";

export interface AgencySummary {
  agencyId: number;
  indexedThrough: number | null;
  /** certificates anchored, per certificate type and calendar month (UTC) of the anchoring block */
  issued: { month: string; typeId: number; type: string | null; batches: number; certificates: number }[];
  revocations: {
    /** one certificate at a time, by RFC 5280 reason */
    certificates: { reason: string | null; reasonCode: number; count: number }[];
    /** whole batches, with the certificates they held */
    batches: { reason: string | null; reasonCode: number; batches: number; certificates: number }[];
  };
  suspensions: { reason: string | null; reasonCode: number; count: number }[];
  batches: {
    typeId: number;
    type: string | null;
    batches: number;
    certificates: number;
    minSize: number;
    maxSize: number;
    meanSize: number;
  }[];
}

/** An agency's figures, from the chain events alone (the audit index). */
export function agencySummary(index: AuditIndex, agencyId: number, typeName: TypeName): AgencySummary {
  const name = (typeId: number) => typeName(typeId) ?? null;
  return {
    agencyId,
    indexedThrough: index.indexedThrough(),
    issued: index.issuedByTypeAndMonth(agencyId).map((r) => ({ ...r, type: name(r.typeId) })),
    revocations: {
      certificates: index
        .countByReason(agencyId, "CertificateRevoked")
        .map((r) => ({ reason: reasonName(r.reasonCode), reasonCode: r.reasonCode, count: r.events })),
      batches: index.countByReason(agencyId, "BatchRevoked").map((r) => ({
        reason: reasonName(r.reasonCode),
        reasonCode: r.reasonCode,
        batches: r.events,
        certificates: r.certificates,
      })),
    },
    suspensions: index
      .countByReason(agencyId, "CertificateSuspended")
      .map((r) => ({ reason: reasonName(r.reasonCode), reasonCode: r.reasonCode, count: r.events })),
    batches: index.batchSizes(agencyId).map((r) => ({
      typeId: r.typeId,
      type: name(r.typeId),
      batches: r.batches,
      certificates: r.certificates,
      minSize: r.min,
      maxSize: r.max,
      meanSize: r.batches === 0 ? 0 : Math.round((r.certificates / r.batches) * 100) / 100,
    })),
  };
}
