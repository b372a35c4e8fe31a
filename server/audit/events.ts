import { CRL_REASON_NAMES } from "../core/verification/result.ts";

/**
 * The chain events the audit index keeps, as plain data. Kinds are the Solidity event names, so an
 * auditor can read an export next to the contracts' interfaces without a translation table.
 */
export const LEDGER_EVENT_KINDS = [
  "BatchAnchored",
  "BatchRevoked",
  "CertificateRevoked",
  "CertificateSuspended",
  "CertificateReinstated",
  "CertificateRestored",
  "BatchRestored",
] as const;

export const REGISTRY_EVENT_KINDS = [
  "CertificateTypeDefined",
  "AgencyRegistered",
  "AgencyStatusChanged",
  "AgencyCertificateTypesChanged",
  "AgencyMetadataChanged",
  "OfficerAdded",
  "OfficerRemoved",
  "OfficerCompromised",
] as const;

export const EVENT_KINDS = [...LEDGER_EVENT_KINDS, ...REGISTRY_EVENT_KINDS] as const;

export type LedgerEventKind = (typeof LEDGER_EVENT_KINDS)[number];
export type EventKind = (typeof EVENT_KINDS)[number];

/** Per-certificate status changes (they carry a leaf). */
export const LEAF_STATUS_KINDS = ["CertificateRevoked", "CertificateSuspended", "CertificateReinstated"] as const;

export interface AuditEvent {
  blockNumber: number;
  logIndex: number;
  blockHash: string;
  /** unix seconds of the block */
  blockTime: number;
  txHash: string;
  contract: "ledger" | "registry";
  kind: EventKind;
  /** the account that caused the event: officer, admin or governance */
  actor: string;
  /** the agency the event concerns; for ledger events resolved from the batch's root */
  agencyId: number | null;
  root: string | null;
  leaf: string | null;
  leafIndex: number | null;
  reasonCode: number | null;
  typeId: number | null;
  size: number | null;
  /** the officer an officer event is about */
  officer: string | null;
  /** the remaining arguments of registry events (jurisdiction, hashes, statuses, times) */
  details: Record<string, string | number> | null;
}

export function reasonName(code: number | null): string | null {
  if (code === null) return null;
  return CRL_REASON_NAMES[code] ?? `unknown(${code})`;
}
