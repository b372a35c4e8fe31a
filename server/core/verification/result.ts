/**
 * The verification result: the contract between the engine, the API (`POST /api/v1/verify`,
 * `GET /v/:id`), the CLI and the web pages. Status names are fixed by the design document.
 */
export const VERIFICATION_STATUSES = [
  "VALID",
  "MALFORMED",
  "TAMPERED",
  "NOT_ANCHORED",
  "WRONG_NETWORK",
  "ISSUER_UNAUTHORIZED",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "NOT_YET_VALID",
  "UNKNOWN_CERTIFICATE",
  "UNAVAILABLE",
  "UNTRUSTED_LEDGER",
  "PRESENTATION_EXPIRED",
] as const;

export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** Names of the ordered checks, in the order the engine runs them. */
export const CHECK_NAMES = [
  "format",
  "integrity",
  "merkleProof",
  "network",
  "anchored",
  "issuer",
  "status",
  "validity",
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

export interface Check {
  name: CheckName;
  passed: boolean;
  /** One sentence in English; pages translate by `name` + `passed` + status, not by this text. */
  detail: string;
}

/** The RFC 5280 reason names accepted by the API, with their CRL reason codes. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

/** Every RFC 5280 CRLReason name by code, as the ledger may record them (7 is unused in the RFC). */
export const CRL_REASON_NAMES: Readonly<Record<number, string>> = {
  0: "unspecified",
  1: "keyCompromise",
  2: "cACompromise",
  3: "affiliationChanged",
  4: "superseded",
  5: "cessationOfOperation",
  6: "certificateHold",
  8: "removeFromCRL",
  9: "privilegeWithdrawn",
  10: "aACompromise",
};

export interface AnchorInfo {
  chainId: number;
  ledger: string;
  root: string;
  txHash?: string;
  blockNumber?: number;
  /** ISO 8601 time of the anchoring block */
  anchoredAt?: string;
  officer?: string;
  agencyId?: number;
  jurisdiction?: string;
  agencyStatus?: "active" | "suspended" | "retired" | "unknown";
}

export interface RevocationInfo {
  /** the certificate's (or its whole batch's) state on chain */
  state: "revoked" | "suspended";
  scope: "certificate" | "batch";
  reason: RevocationReason | "unknown";
  reasonCode: number;
  /** ISO 8601, when the chain's event log could be read */
  at?: string;
  txHash?: string;
  /** the account that made the change (an officer key or governance), from the chain's event log */
  actor?: string;
  /** the certificate's status was set by governance, not by the issuing agency (certificate scope only) */
  byGovernance?: boolean;
}

/** Governance undid what a key declared compromised did to this certificate (or its whole batch). */
export interface RestorationInfo {
  scope: "certificate" | "batch";
  /** ISO 8601 time of the restoration */
  at: string;
  txHash: string;
  /** the governance account that restored */
  actor: string;
  /** the compromised key whose change was undone */
  undid: string;
}

/**
 * A warning as a code with parameters, which every page translates; `message` is the same in
 * English for API users and logs. One place lists the codes: add a code here and its words in
 * `server/i18n/messages` (`warning.<CODE>`).
 */
export type VerificationWarning =
  | { code: "SUPERSEDED"; params: { id: string }; message: string }
  | { code: "AGENCY_NOT_ACTIVE"; params: { agencyStatus: string }; message: string };

export type WarningCode = VerificationWarning["code"];

export const supersededWarning = (id: string): VerificationWarning => ({
  code: "SUPERSEDED",
  params: { id },
  message: `superseded by ${id}`,
});

/** One SUPERSEDED warning per successor. */
export const supersessionWarnings = (supersededBy: readonly string[] | undefined): VerificationWarning[] =>
  (supersededBy ?? []).map(supersededWarning);

export const agencyNotActiveWarning = (agencyStatus: string): VerificationWarning => ({
  code: "AGENCY_NOT_ACTIVE",
  params: { agencyStatus },
  message: `the issuing agency is now ${agencyStatus}`,
});

/** A holder's live presentation: who decided what this answer shows, and until when it may be used. */
export interface PresentationInfo {
  /** ISO 8601 */
  presentedAt: string;
  /** ISO 8601 */
  expiresAt: string;
  /** the subject fields the holder chose to show */
  fields: string[];
  /** ISO 8601, for a presentation the holder withdrew */
  withdrawnAt?: string;
}

export interface VerificationResult {
  valid: boolean;
  status: VerificationStatus;
  checks: Check[];
  /** the disclosed certificate fields (hidden ones absent), or null when the input was not a document */
  certificate: VerifiedCertificate | null;
  anchor: AnchorInfo | null;
  revocation?: RevocationInfo;
  /** present when the certificate's status was restored after a compromised key changed it */
  restoration?: RestorationInfo;
  warnings: VerificationWarning[];
  /** present when the answer is a holder's live presentation (or one that expired) */
  presentation?: PresentationInfo;
  /** present when the certificate was fetched from another deployment of the trust list (and verified here) */
  issuingService?: IssuingServiceInfo;
}

/** The deployment a certificate was fetched from, as the signed trust list names it. */
export interface IssuingServiceInfo {
  name: { zh: string; en: string };
  origin: string;
}

/** Which view of the certificate an answer shows, when it is not everything the document disclosed. */
export interface DisclosureInfo {
  /** `public`: the static QR page's minimum; `presentation`: the fields the holder chose */
  view: "public" | "presentation";
  /** subject fields whose values are shortened (e.g. 110101********105X) */
  masked: string[];
  /** subject fields this view leaves out */
  withheld: string[];
}

export interface VerifiedCertificate {
  id: string;
  type: string;
  issuer: { agencyId?: number; name?: string; jurisdiction?: string };
  subject: Record<string, unknown>;
  validFrom?: string;
  validUntil?: string;
  issuedAt?: string;
  supersedes?: string;
  supersededBy?: string;
  /** names of fields the holder hid (selective disclosure) */
  hiddenFields: string[];
  disclosure?: DisclosureInfo;
}
