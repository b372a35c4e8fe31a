import type { ChainEventRef, LeafView, LedgerView, RestorationRef, StatusEventRef } from "./ledgerView.ts";
import { ChainUnavailableError, NoLedgerError } from "./ledgerView.ts";
import {
  REVOCATION_REASONS,
  agencyNotActiveWarning,
  supersessionWarnings,
  type AnchorInfo,
  type Check,
  type RestorationInfo,
  type RevocationInfo,
  type RevocationReason,
  type VerificationResult,
  type VerificationStatus,
  type VerificationWarning,
  type VerifiedCertificate,
} from "./result.ts";

/** What the offline checks (format, integrity, Merkle proof) found, as input to the chain checks. */
export interface OfflineOutcome {
  checks: Check[];
  failure: Extract<VerificationStatus, "MALFORMED" | "TAMPERED" | "UNKNOWN_CERTIFICATE"> | null;
  certificate: VerifiedCertificate | null;
  /** the document's proof block, when it has one */
  proof: {
    root: string;
    leaf: string;
    index: number;
    proof: string[];
    chainId?: number | undefined;
    ledger?: string | undefined;
    txHash?: string | undefined;
  } | null;
  /** the on-chain id of the document's certificate type */
  typeId: number | null;
}

export interface ChainCheckOptions {
  now: Date;
  /** ids of certificates that supersede this one (known to the service, not to the chain) */
  supersededBy?: readonly string[];
  /** anchoring details the caller already knows (the service's database), saving a log query */
  knownAnchor?: { txHash: string; blockNumber: number };
  /** query the chain's logs for the anchoring transaction when it is not known (the CLI does) */
  lookupAnchorEvent?: boolean;
}

const REASON_NAMES = new Map<number, RevocationReason>(
  Object.entries(REVOCATION_REASONS).map(([name, code]) => [code, name as RevocationReason]),
);

const reasonName = (code: number): RevocationReason | "unknown" => REASON_NAMES.get(code) ?? "unknown";

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

function result(
  status: VerificationStatus,
  checks: Check[],
  certificate: VerifiedCertificate | null,
  anchor: AnchorInfo | null,
  warnings: VerificationWarning[],
  revocation?: RevocationInfo,
  restoration?: RestorationInfo,
): VerificationResult {
  return {
    valid: status === "VALID",
    status,
    checks,
    certificate,
    anchor,
    ...(revocation ? { revocation } : {}),
    ...(restoration ? { restoration } : {}),
    warnings,
  };
}

/** The result for a certificate id the verifier has never heard of (e.g. a QR link to nothing). */
export function unknownCertificateResult(id: string): VerificationResult {
  return result(
    "UNKNOWN_CERTIFICATE",
    [{ name: "format", passed: false, detail: `no certificate with id ${id} is known here` }],
    null,
    null,
    [],
  );
}

/** The result when the chain cannot be reached: never a verdict on the certificate itself. */
export function unavailableResult(offline: OfflineOutcome, detail: string): VerificationResult {
  return result(
    "UNAVAILABLE",
    [...offline.checks, { name: "anchored", passed: false, detail }],
    offline.certificate,
    null,
    [],
  );
}

function anchorInfo(
  view: LeafView,
  ledger: string,
  root: string,
  event: ChainEventRef | null,
  txHash?: string,
): AnchorInfo {
  const agencyStatus = view.agencyStatus === "none" ? "unknown" : view.agencyStatus;
  return {
    chainId: view.chainId,
    ledger,
    root,
    ...((event?.txHash ?? txHash) ? { txHash: event?.txHash ?? txHash } : {}),
    ...(event ? { blockNumber: event.blockNumber } : {}),
    ...(view.anchored
      ? { anchoredAt: iso(view.batch.anchoredAt), officer: view.batch.officer, agencyId: view.batch.agencyId }
      : {}),
    ...(view.anchored ? { jurisdiction: String(view.jurisdiction), agencyStatus } : {}),
  };
}

async function revocationInfo(
  view: LeafView,
  ledgerView: LedgerView,
  agencyId: number,
  root: string,
  leaf: string,
): Promise<RevocationInfo | null> {
  const batchRevoked = view.batchRevokedAt > 0;
  if (!batchRevoked && view.status === "active") return null;
  const code = batchRevoked ? view.batchRevocationReason : view.reason;
  let event: StatusEventRef | null = null;
  try {
    event = await ledgerView.statusEvent(agencyId, root, leaf);
  } catch {
    // the verdict stands on the status the contract returned; the time is a detail the logs may not give
  }
  const at = batchRevoked && !event ? iso(view.batchRevokedAt) : event ? iso(event.time) : undefined;
  return {
    state: batchRevoked || view.status === "revoked" ? "revoked" : "suspended",
    scope: batchRevoked ? "batch" : "certificate",
    reason: reasonName(code),
    reasonCode: code,
    ...(at ? { at } : {}),
    ...(event ? { txHash: event.txHash } : {}),
    ...(batchRevoked ? { actor: view.batchRevokedBy } : event ? { actor: event.actor } : {}),
    ...(batchRevoked ? {} : { byGovernance: view.statusByGovernance }),
  };
}

/** The latest restoration by governance, when the logs can be read; a detail, never part of the verdict. */
async function restorationInfo(
  ledgerView: LedgerView,
  agencyId: number,
  root: string,
  leaf: string,
): Promise<RestorationInfo | undefined> {
  let event: RestorationRef | null;
  try {
    event = await ledgerView.restorationEvent(agencyId, root, leaf);
  } catch {
    return undefined;
  }
  if (!event) return undefined;
  return { scope: event.scope, at: iso(event.time), txHash: event.txHash, actor: event.actor, undid: event.undid };
}

/**
 * The verdict when the chain need not be asked: an offline check failed, or the document was
 * never anchored. Null when the chain checks must run.
 */
export function verdictWithoutChain(offline: OfflineOutcome, options: ChainCheckOptions): VerificationResult | null {
  const checks = [...offline.checks];
  const certificate = offline.certificate;
  if (offline.failure) return result(offline.failure, checks, certificate, null, []);
  const proof = offline.proof;
  if (!certificate || !proof || offline.typeId === null) {
    return result(
      "MALFORMED",
      [...checks, { name: "format", passed: false, detail: "the document has no proof block" }],
      certificate,
      null,
      [],
    );
  }
  if (proof.chainId === undefined || !proof.ledger) {
    checks.push({
      name: "network",
      passed: false,
      detail: "the document has not been anchored yet (no chain id or ledger in its proof)",
    });
    return result("NOT_ANCHORED", checks, certificate, null, supersessionWarnings(options.supersededBy));
  }
  return null;
}

/**
 * The chain checks, in order: network, anchored, issuer, status, validity. One eth_call answers all
 * of them; the logs are read only for what a verdict does not need (times and transaction hashes).
 */
export async function checkAgainstChain(
  offline: OfflineOutcome,
  ledgerView: LedgerView,
  options: ChainCheckOptions,
): Promise<VerificationResult> {
  const early = verdictWithoutChain(offline, options);
  if (early) return early;
  const checks = [...offline.checks];
  const certificate = offline.certificate;
  const proof = offline.proof;
  if (!certificate || proof?.chainId === undefined || !proof.ledger)
    throw new Error("unreachable: checked by verdictWithoutChain");
  const warnings = supersessionWarnings(options.supersededBy);
  if (proof.ledger.toLowerCase() !== ledgerView.ledger.toLowerCase()) {
    checks.push({
      name: "network",
      passed: false,
      detail: `the document names ledger ${proof.ledger}, this verifier trusts ${ledgerView.ledger}`,
    });
    return result("WRONG_NETWORK", checks, certificate, null, warnings);
  }

  // Batches are keyed by (agency, root) on chain: look up the batch of the agency the document names.
  // 0 is no agency's id, so a document without one finds no batch.
  const agencyId = certificate.issuer.agencyId ?? 0;
  let view: LeafView;
  try {
    view = await ledgerView.verifyLeaf(agencyId, proof.root, proof.leaf, proof.index, proof.proof);
  } catch (error) {
    if (error instanceof ChainUnavailableError) return unavailableResult(offline, error.message);
    if (error instanceof NoLedgerError) {
      checks.push({ name: "network", passed: false, detail: error.message });
      return result("WRONG_NETWORK", checks, certificate, null, warnings);
    }
    throw error;
  }

  if (view.chainId !== proof.chainId) {
    checks.push({
      name: "network",
      passed: false,
      detail: `the document was anchored on chain ${proof.chainId}, this is chain ${view.chainId}`,
    });
    return result("WRONG_NETWORK", checks, certificate, null, warnings);
  }
  checks.push({ name: "network", passed: true, detail: `chain ${view.chainId}, ledger ${ledgerView.ledger}` });

  let anchorEvent: ChainEventRef | null = null;
  if (options.knownAnchor) {
    anchorEvent = {
      txHash: options.knownAnchor.txHash,
      blockNumber: options.knownAnchor.blockNumber,
      time: view.batch.anchoredAt,
    };
  } else if (options.lookupAnchorEvent && view.anchored) {
    try {
      anchorEvent = await ledgerView.anchorEvent(agencyId, proof.root);
    } catch {
      // the anchoring transaction is a detail for people who check by hand, not part of the verdict
    }
  }
  const anchor = anchorInfo(view, ledgerView.ledger, proof.root, anchorEvent, proof.txHash);

  if (!view.anchored) {
    checks.push({ name: "anchored", passed: false, detail: `root ${proof.root} is not anchored on this ledger` });
    return result("NOT_ANCHORED", checks, certificate, anchor, warnings);
  }
  if (!view.proofValid) {
    checks.push({
      name: "anchored",
      passed: false,
      detail: `the ledger does not accept the proof of leaf index ${proof.index} in this batch`,
    });
    return result("TAMPERED", checks, certificate, anchor, warnings);
  }
  checks.push({
    name: "anchored",
    passed: true,
    detail: `anchored at ${iso(view.batch.anchoredAt)} in a batch of ${view.batch.size}`,
  });

  const issuerProblems: string[] = [];
  if (view.batch.agencyId !== certificate.issuer.agencyId) {
    issuerProblems.push(
      `the batch was anchored by agency ${view.batch.agencyId}, the document names agency ${String(certificate.issuer.agencyId)}`,
    );
  }
  if (certificate.issuer.jurisdiction !== undefined && String(view.jurisdiction) !== certificate.issuer.jurisdiction) {
    issuerProblems.push(
      `the agency's jurisdiction on chain is ${view.jurisdiction}, the document says ${certificate.issuer.jurisdiction}`,
    );
  }
  if (view.batch.typeId !== offline.typeId) {
    issuerProblems.push(
      `the batch holds certificate type ${view.batch.typeId}, the document is of type ${certificate.type} (${offline.typeId})`,
    );
  }
  if (!view.issuerAuthorized) {
    issuerProblems.push(
      `officer ${view.batch.officer} was declared compromised since ${iso(view.officerCompromisedSince)}, before this batch was anchored`,
    );
  }
  if (issuerProblems.length > 0) {
    checks.push({ name: "issuer", passed: false, detail: issuerProblems.join("; ") });
    return result("ISSUER_UNAUTHORIZED", checks, certificate, anchor, warnings);
  }
  if (view.agencyStatus !== "active") warnings.push(agencyNotActiveWarning(view.agencyStatus));
  checks.push({
    name: "issuer",
    passed: true,
    detail: `agency ${view.batch.agencyId} (jurisdiction ${view.jurisdiction}) was authorised when it anchored`,
  });

  let revocation: RevocationInfo | null;
  try {
    revocation = await revocationInfo(view, ledgerView, agencyId, proof.root, proof.leaf);
  } catch (error) {
    if (error instanceof ChainUnavailableError) return unavailableResult(offline, error.message);
    throw error;
  }
  if (revocation) {
    const what = revocation.scope === "batch" ? "its whole batch was revoked" : `it was ${revocation.state}`;
    checks.push({ name: "status", passed: false, detail: `${what} (reason: ${revocation.reason})` });
    return result(
      revocation.state === "revoked" ? "REVOKED" : "SUSPENDED",
      checks,
      certificate,
      anchor,
      warnings,
      revocation,
    );
  }
  const restoration = options.lookupAnchorEvent
    ? await restorationInfo(ledgerView, agencyId, proof.root, proof.leaf)
    : undefined;
  checks.push({
    name: "status",
    passed: true,
    detail: restoration
      ? `neither revoked nor suspended: governance (${restoration.actor}) restored it on ${restoration.at}, undoing a change by compromised key ${restoration.undid}`
      : "neither revoked nor suspended",
  });

  const now = options.now.getTime();
  if (certificate.validFrom && now < Date.parse(certificate.validFrom)) {
    checks.push({ name: "validity", passed: false, detail: `valid from ${certificate.validFrom}` });
    return result("NOT_YET_VALID", checks, certificate, anchor, warnings, undefined, restoration);
  }
  if (certificate.validUntil && now > Date.parse(certificate.validUntil)) {
    checks.push({ name: "validity", passed: false, detail: `expired on ${certificate.validUntil}` });
    return result("EXPIRED", checks, certificate, anchor, warnings, undefined, restoration);
  }
  checks.push({
    name: "validity",
    passed: true,
    detail: certificate.validUntil ? `valid until ${certificate.validUntil}` : "valid with no expiry date",
  });
  return result("VALID", checks, certificate, anchor, warnings, undefined, restoration);
}
