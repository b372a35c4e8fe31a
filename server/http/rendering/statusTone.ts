import type { VerificationStatus } from "../../core/verification/result.ts";

/**
 * How a status looks: green for valid, red for what must not be relied on, amber for genuine
 * certificates not in force, grey when nothing could be said (never presented as a forgery).
 */
export type StatusTone = "valid" | "invalid" | "caution" | "unavailable";

const TONES: Readonly<Record<VerificationStatus, StatusTone>> = {
  VALID: "valid",
  MALFORMED: "invalid",
  TAMPERED: "invalid",
  NOT_ANCHORED: "invalid",
  WRONG_NETWORK: "invalid",
  ISSUER_UNAUTHORIZED: "invalid",
  REVOKED: "invalid",
  UNKNOWN_CERTIFICATE: "invalid",
  UNTRUSTED_LEDGER: "invalid",
  SUSPENDED: "caution",
  EXPIRED: "caution",
  NOT_YET_VALID: "caution",
  UNAVAILABLE: "unavailable",
  // a genuine holder's code past its minutes: ask again, never "forged"
  PRESENTATION_EXPIRED: "caution",
};

export function statusTone(status: VerificationStatus): StatusTone {
  return TONES[status];
}

/** Statuses for which the disclosed fields were proven to be what the agency issued. */
const CONTENT_CONFIRMED: ReadonlySet<VerificationStatus> = new Set([
  "VALID",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "NOT_YET_VALID",
]);

export function isContentConfirmed(status: VerificationStatus): boolean {
  return CONTENT_CONFIRMED.has(status);
}
