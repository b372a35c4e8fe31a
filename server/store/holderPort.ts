/**
 * The storage port of what the holder controls: the hash of the holder's secret, live
 * presentations and usage traces. A port of its own, beside `Store`, so an adapter can add it
 * separately; ids and times are text (ISO 8601 UTC, which sorts as time), SQL kept portable.
 */

export interface HolderAccessRecord {
  certificateId: string;
  /** sha256 (hex) of the holder secret; the secret itself is never stored */
  secretHash: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface PresentationRecord {
  id: string;
  certificateId: string;
  /** sha256 (hex) of the long token in the presentation's QR code */
  tokenHash: string;
  /** sha256 (hex) of the 8-digit code */
  codeHash: string;
  /** subject field names the holder chose */
  fields: string[];
  createdAt: string;
  expiresAt: string;
  withdrawnAt: string | null;
}

export type UsageChannel = "static-qr" | "live-qr" | "live-code" | "document";

/** One verification of a certificate. Deliberately no address, user agent or other verifier detail. */
export interface UsageTraceRecord {
  id: string;
  certificateId: string;
  at: string;
  channel: UsageChannel;
  /** the verdict given */
  status: string;
  presentationId: string | null;
}

export interface HolderStore {
  /** Sets each certificate's holder secret, replacing (and so revoking) any earlier one, in one transaction. */
  putHolderAccess(records: readonly HolderAccessRecord[]): Promise<void>;
  getHolderAccess(certificateId: string): Promise<HolderAccessRecord | null>;
  /** false when there was no live holder access to revoke */
  revokeHolderAccess(certificateId: string, at: string): Promise<boolean>;

  insertPresentation(presentation: PresentationRecord): Promise<void>;
  findPresentationByToken(tokenHash: string): Promise<PresentationRecord | null>;
  /** the newest presentation with this code (codes are reused once their presentations are gone) */
  findPresentationByCode(codeHash: string): Promise<PresentationRecord | null>;
  /** whether a presentation with this code is live at `at` (not withdrawn, not expired) */
  isCodeInUse(codeHash: string, at: string): Promise<boolean>;
  /** presentations of a certificate that are live at `at`, newest first */
  livePresentations(certificateId: string, at: string): Promise<PresentationRecord[]>;
  /** withdraws one presentation of the certificate; false when none was live */
  withdrawPresentation(certificateId: string, presentationId: string, at: string): Promise<boolean>;
  /** withdraws every live presentation of the certificate; returns how many */
  withdrawPresentations(certificateId: string, at: string): Promise<number>;
  /** deletes presentations that ended before `before` */
  prunePresentations(before: string): Promise<number>;

  /** inserts traces in one transaction */
  insertUsageTraces(traces: readonly UsageTraceRecord[]): Promise<void>;
  /** a certificate's traces at or after `since`, newest first */
  listUsageTraces(certificateId: string, since: string, limit: number): Promise<UsageTraceRecord[]>;
  /** deletes traces older than `before` */
  pruneUsageTraces(before: string): Promise<number>;
}
