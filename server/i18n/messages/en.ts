import { holderEn } from "./holder.en.ts";
import { pagesEn } from "./pages.en.ts";
import type { RequiredKey } from "./requiredKeys.ts";

/**
 * English messages, the reference dictionary: its keys are the `MessageKey` type and its
 * `{placeholders}` type the parameters of `t()`. Plain words for people who are not experts.
 */
export const en = {
  "status.VALID.headline": "Valid certificate",
  "status.VALID.explanation":
    "This certificate was issued by the agency shown below, has not been changed, and is in force today.",
  "status.MALFORMED.headline": "Not a readable certificate",
  "status.MALFORMED.explanation":
    "What was presented is not a complete certificate, so it cannot be checked. Ask the holder for the original QR code or document.",
  "status.TAMPERED.headline": "Altered — the details do not match the record",
  "status.TAMPERED.explanation":
    "The details shown differ from what the issuing agency recorded. Do not rely on this certificate.",
  "status.NOT_ANCHORED.headline": "Not registered — no issuing record found",
  "status.NOT_ANCHORED.explanation":
    "The ledger holds no record of this certificate being issued. If it was issued in the last few minutes, try again shortly; otherwise do not rely on it.",
  "status.WRONG_NETWORK.headline": "Recorded on a different ledger",
  "status.WRONG_NETWORK.explanation":
    "This certificate points to another ledger than the one this service checks, so it cannot be confirmed here. Do not rely on it before asking the issuing agency.",
  "status.UNTRUSTED_LEDGER.headline": "Recorded on a ledger not recognised here",
  "status.UNTRUSTED_LEDGER.explanation":
    "This certificate is anchored on a ledger this service does not recognise (its address is in the checks performed, below). Anyone can set up a look-alike ledger, so whatever that ledger says, do not rely on the certificate before asking the issuing agency.",
  "status.ISSUER_UNAUTHORIZED.headline": "Issuer not authorised",
  "status.ISSUER_UNAUTHORIZED.explanation":
    "The agency named on this certificate was not allowed to issue it when it was recorded. Do not rely on it.",
  "status.REVOKED.headline": "Revoked — this certificate is no longer valid",
  "status.REVOKED.explanation": "The issuing agency has withdrawn this certificate for good.",
  "status.SUSPENDED.headline": "Suspended — not valid at the moment",
  "status.SUSPENDED.explanation":
    "The issuing agency has put this certificate on hold. It may be reinstated later; until then it is not valid.",
  "status.EXPIRED.headline": "Expired",
  "status.EXPIRED.explanation": "This certificate is genuine, but its period of validity has ended.",
  "status.NOT_YET_VALID.headline": "Not yet valid",
  "status.NOT_YET_VALID.explanation": "This certificate is genuine, but its period of validity has not started yet.",
  "status.UNKNOWN_CERTIFICATE.headline": "Unknown certificate",
  "status.UNKNOWN_CERTIFICATE.explanation":
    "No certificate with this number is known here. Check that you scanned the right code, and do not rely on the document until it is confirmed.",
  "status.UNAVAILABLE.headline": "Cannot check right now — try again later",
  "status.UNAVAILABLE.explanation":
    "The service could not reach the ledger. This says nothing about the certificate itself: please try again in a few minutes.",
  "status.PRESENTATION_EXPIRED.headline": "Code expired — ask the holder for a fresh one",
  "status.PRESENTATION_EXPIRED.explanation":
    "This live code from the holder is past its time or was withdrawn. This is not a sign of forgery: the holder can make a new code in a few seconds.",

  "check.format.name": "Document format",
  "check.format.passed": "The document is complete and well formed.",
  "check.format.failed": "The document is incomplete or not in the expected format.",
  "check.integrity.name": "Content integrity",
  "check.integrity.passed": "Every field shown matches its fingerprint.",
  "check.integrity.failed": "At least one field was changed after issuance.",
  "check.merkleProof.name": "Batch membership",
  "check.merkleProof.passed": "The certificate belongs to the batch the agency recorded.",
  "check.merkleProof.failed": "The certificate does not belong to the batch it names.",
  "check.network.name": "Ledger network",
  "check.network.passed": "Recorded on the ledger this service checks.",
  "check.network.failed": "Recorded on another ledger or contract.",
  "check.anchored.name": "Recorded on the ledger",
  "check.anchored.passed": "The batch is recorded on the ledger.",
  "check.anchored.failed": "No ledger record was found for the batch.",
  "check.issuer.name": "Issuing agency",
  "check.issuer.passed": "The agency was active and allowed to issue this type of certificate.",
  "check.issuer.failed": "The agency or its officer was not allowed to issue it when it was recorded.",
  "check.status.name": "Current status",
  "check.status.passed": "Neither revoked nor suspended.",
  "check.status.failed": "Revoked or suspended by the agency.",
  "check.validity.name": "Period of validity",
  "check.validity.passed": "Today is within the period of validity.",
  "check.validity.failed": "Today is outside the period of validity.",
  "check.unreachable": "Could not be checked: the ledger was unreachable.",
  "check.result.passed": "Passed",
  "check.result.failed": "Failed",
  "check.result.unchecked": "Not checked",
  "check.engineDetail": "Technical detail",

  "reason.unspecified": "No reason given",
  "reason.keyCompromise": "The issuing key was compromised",
  "reason.affiliationChanged": "The holder's details changed",
  "reason.superseded": "Replaced by a newer certificate",
  "reason.cessationOfOperation": "The activity has ceased",
  "reason.certificateHold": "Put on hold",
  "reason.privilegeWithdrawn": "The permission was withdrawn",
  "reason.unknown": "Reason not recorded",

  "revocation.heading.revoked": "Why it was revoked",
  "revocation.heading.suspended": "Why it was suspended",
  "revocation.reason": "Reason",
  "revocation.at": "Since",
  "revocation.txHash": "Status change transaction",
  "revocation.batch": "The whole batch this certificate belongs to was withdrawn.",

  "agencyStatus.active": "Active",
  "agencyStatus.suspended": "Suspended",
  "agencyStatus.retired": "Retired",
  "agencyStatus.unknown": "Unknown",

  "field.id": "Certificate number",
  "field.type": "Certificate type",
  "field.issuedAt": "Issued on",
  "field.validFrom": "Valid from",
  "field.validUntil": "Valid until",
  "field.supersedes": "Replaces certificate",
  "field.agencyName": "Agency",
  "field.agencyId": "Agency number",
  "field.jurisdiction": "Jurisdiction",
  "field.hidden": "Hidden by the holder",
  "field.empty": "(empty)",
  "field.noEnd": "No end date",
  "field.notGiven": "Not given",
  "field.yes": "Yes",
  "field.no": "No",

  "page.brand": "certledger",
  "page.tagline": "Certificate verification",
  "page.skip": "Skip to the result",
  "page.language": "Language",
  "page.resultLabel": "Verification result",
  "page.certificateHeading": "Certificate details",
  "page.compareHint": "Compare these details with the paper or screen you were shown.",
  "page.unconfirmed": "These details could not be confirmed. Do not rely on them.",
  "page.unchecked":
    "These details are shown as recorded by this service but could not be checked against the ledger just now.",
  "page.issuerHeading": "Issued by",
  "page.validityHeading": "Validity",
  "page.warningsHeading": "Please note",
  "page.checksHeading": "Checks performed ({count})",
  "page.anchorHeading": "Ledger record",
  "page.anchorIntro": "For those who want to check the record on the ledger themselves.",
  "page.noAnchor": "No ledger record is available.",
  "page.anchorUnreachable": "The ledger could not be reached just now.",
  "page.requestedId": "Certificate number looked up",
  "page.issuingService": "Issuing service",

  "federation.title": "Recognised issuing services",
  "federation.intro":
    "This service verifies QR codes of its own certificates and of the services named in its signed trust list, fetching each certificate from its issuing service and checking it against the ledger the list names.",
  "federation.listHeading": "Trust list",
  "federation.noList": "No trust list is configured: only this service's own certificates are verified.",
  "federation.expires": "The list is valid until {time}.",
  "federation.expired": "The list expired at {time}: none of its services is recognised until a new list is installed.",
  "federation.refused":
    "The last change of the list file was refused (the log and /readyz say why); the list below stays in force.",
  "federation.none": "No other service is recognised.",
  "federation.name": "Service",
  "federation.origins": "Address",
  "federation.chain": "Chain",
  "federation.ledger": "Ledger",
  "federation.registry": "Registry",
  "page.verificationLink": "Verification link",
  "page.checkedAt": "Checked on {time}",

  "anchor.chainId": "Chain ID",
  "anchor.ledger": "Ledger contract",
  "anchor.root": "Batch root (Merkle root)",
  "anchor.leaf": "Certificate fingerprint (leaf hash)",
  "anchor.txHash": "Transaction",
  "anchor.block": "Block",
  "anchor.anchoredAt": "Recorded on",
  "anchor.officer": "Officer account",
  "anchor.agencyStatus": "Agency status today",

  "error.notFound.headline": "Page not found",
  "error.notFound.explanation": "There is nothing at this address. Check the link and try again.",
  "error.certificateNotFound.headline": "Certificate not found",
  "error.certificateNotFound.explanation":
    "No certificate with this number is known here. Check that you scanned the right code, and do not rely on the document until it is confirmed.",
  "error.badRequest.headline": "This link is not valid",
  "error.badRequest.explanation": "The link or QR code is incomplete or damaged. Please scan the code again.",
  "error.incompleteLink.headline": "This link is incomplete",
  "error.incompleteLink.explanation":
    "The link lacks part of the certificate's fingerprint, so nothing can be checked yet. This is not a sign of forgery: please scan the code again.",
  "error.rateLimited.headline": "Too many requests",
  "error.rateLimited.explanation": "Please wait a minute, then try again.",
  "error.unavailable.headline": "Service unavailable — try again later",
  "error.unavailable.explanation":
    "The service cannot answer right now. This says nothing about any certificate: please try again in a few minutes.",
  "error.internal.headline": "Something went wrong",
  "error.internal.explanation": "The problem is on our side, not with any certificate. Please try again later.",
  "error.code": "Error {status}",

  // --- scripted pages (scan, console, print, audit): see pages.en.ts ---
  ...pagesEn,
  ...holderEn,
} as const satisfies Record<RequiredKey, string> & Record<string, string>;
