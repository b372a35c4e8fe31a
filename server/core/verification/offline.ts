import { processProof, treeNode } from "../batch/merkle.ts";
import { LEGACY_DOCUMENT_VERSION } from "../document/model.ts";
import type { BatchedDocument } from "../document/model.ts";
import { typeRuleProblem } from "../document/paths.ts";
import { batchedDocumentSchema } from "../document/schema.ts";
import { isWellFormedBatchedDocument } from "../document/shapeCheck.ts";
import { trustedLeaf } from "../hashing/fields.ts";
import { equalBytes, fromHex32 } from "../hashing/keccak.ts";
import type { Keccak256 } from "../hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../registry/registry.ts";
import type { Check, VerificationStatus, VerifiedCertificate } from "./result.ts";

export interface OfflineVerification {
  /** every offline check passed: the chain checks may follow */
  passed: boolean;
  /** the verdict when a check failed, null when all passed */
  status: Extract<VerificationStatus, "MALFORMED" | "TAMPERED"> | null;
  /** `format`, `integrity`, `merkleProof` in that order, up to and including the first failure */
  checks: Check[];
  /** the parsed document, once it is well formed */
  document: BatchedDocument | null;
  certificate: VerifiedCertificate | null;
}

/** Why `certledger/1` documents are refused, in the words a holder can act on. */
export const LEGACY_REFUSAL =
  "This is a certledger/1 document. certledger/1 is no longer accepted: its certificate hash does not bind the names of hidden fields, so a holder could relabel or drop one (even validUntil) without changing the hash. Ask the issuing agency for the certledger/2 document.";

/**
 * Everything that can be checked without a chain: the document is well formed (`certledger/2`,
 * with a proof block), its fields (shown and hidden, each bound to its path) hash to the
 * certificate hash in the proof, it keeps the rules of its type (no hidden path the type does not
 * define or lets a holder hide, no required field missing), and the proof leads from that
 * certificate hash and index to the root. A type the verifier does not know skips the type rules
 * (the verdict is then UNKNOWN_CERTIFICATE, see verifyDocument). Accepts the JSON text or the
 * parsed value. Details never quote field values.
 */
export function verifyOffline(input: unknown, keccak: Keccak256, types: CertificateTypeRegistry): OfflineVerification {
  const checks: Check[] = [];
  const fail = (
    status: "MALFORMED" | "TAMPERED",
    check: Check,
    document: BatchedDocument | null = null,
  ): OfflineVerification => {
    checks.push(check);
    return { passed: false, status, checks, document, certificate: document && certificateOf(document) };
  };

  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input) as unknown;
    } catch {
      return fail("MALFORMED", { name: "format", passed: false, detail: "The document is not JSON." });
    }
  }
  if ((value as { version?: unknown } | null)?.version === LEGACY_DOCUMENT_VERSION) {
    return fail("MALFORMED", { name: "format", passed: false, detail: LEGACY_REFUSAL });
  }
  let document: BatchedDocument;
  if (isWellFormedBatchedDocument(value)) {
    document = value;
  } else {
    // the schema decides what the hand-written check refused, and says why
    const parsed = batchedDocumentSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? "document" : issue.path.join(".");
      return fail("MALFORMED", {
        name: "format",
        passed: false,
        detail: `The document is not a certledger/2 document: ${where}: ${issue?.message ?? "invalid"}.`,
      });
    }
    document = parsed.data;
  }
  checks.push({ name: "format", passed: true, detail: "The document is a well-formed certledger/2 document." });

  const leaf = trustedLeaf(document, keccak);
  if (!equalBytes(leaf, fromHex32(document.proof.leaf))) {
    return fail(
      "TAMPERED",
      {
        name: "integrity",
        passed: false,
        detail:
          "The fields and their names do not hash to the certificate hash in the proof: the document was altered.",
      },
      document,
    );
  }
  const type = types.find(document.type);
  const hiddenPaths = Object.keys(document.hidden ?? {});
  if (type) {
    const problem = typeRuleProblem(type, document);
    if (problem !== null) {
      return fail(
        "TAMPERED",
        { name: "integrity", passed: false, detail: `The document breaks the rules of its type: ${problem}.` },
        document,
      );
    }
  }
  checks.push({
    name: "integrity",
    passed: true,
    detail:
      hiddenPaths.length === 0
        ? "Every field hashes to the certificate hash."
        : `Every shown field and ${hiddenPaths.length} hidden field hash(es), each under its name, combine to the certificate hash.`,
  });

  const root = processProof(keccak, treeNode(keccak, leaf, document.proof.index), document.proof.proof);
  if (!equalBytes(root, fromHex32(document.proof.root))) {
    return fail(
      "TAMPERED",
      {
        name: "merkleProof",
        passed: false,
        detail: "The Merkle proof does not lead from the certificate to the batch root.",
      },
      document,
    );
  }
  checks.push({
    name: "merkleProof",
    passed: true,
    detail: "The Merkle proof leads from the certificate to the batch root.",
  });
  return { passed: true, status: null, checks, document, certificate: certificateOf(document) };
}

/** The fields a verifier may show: what the document discloses, with the names of hidden ones. */
export function certificateOf(document: BatchedDocument): VerifiedCertificate {
  const certificate: VerifiedCertificate = {
    id: document.id,
    type: document.type,
    issuer: { ...document.issuer },
    subject: { ...document.subject },
    validFrom: document.validFrom,
    hiddenFields: Object.keys(document.hidden ?? {}),
  };
  if (document.validUntil !== undefined) certificate.validUntil = document.validUntil;
  if (document.issuedAt !== undefined) certificate.issuedAt = document.issuedAt;
  if (document.supersedes !== undefined) certificate.supersedes = document.supersedes;
  return certificate;
}
