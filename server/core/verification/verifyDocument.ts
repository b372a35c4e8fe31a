import type { Keccak256 } from "../hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../registry/registry.ts";
import { checkAgainstChain, verdictWithoutChain, type ChainCheckOptions, type OfflineOutcome } from "./engine.ts";
import { verifyOffline } from "./offline.ts";
import type { VerificationResult } from "./result.ts";
import { pinLedger, type TrustPolicy } from "./trust.ts";

export interface VerifyDeps {
  keccak: Keccak256;
  types: CertificateTypeRegistry;
  trust: TrustPolicy;
}

/** The offline checks (format, integrity with the type's rules, Merkle proof) as input to the chain checks. */
export function offlineOutcome(input: unknown, deps: Pick<VerifyDeps, "keccak" | "types">): OfflineOutcome {
  const offline = verifyOffline(input, deps.keccak, deps.types);
  const document = offline.document;
  const type = document ? deps.types.find(document.type) : undefined;
  if (offline.passed && document && !type) {
    return {
      checks: [
        ...offline.checks,
        { name: "issuer", passed: false, detail: `certificate type ${document.type} is not known to this verifier` },
      ],
      failure: "UNKNOWN_CERTIFICATE",
      certificate: offline.certificate,
      proof: document.proof,
      typeId: null,
    };
  }
  return {
    checks: offline.checks,
    failure: offline.status,
    certificate: offline.certificate,
    proof: document?.proof ?? null,
    typeId: type?.typeId ?? null,
  };
}

/** The chain part for a document whose offline checks ran: the trust decision, then the ledger's answer. */
export async function verifyOutcome(
  offline: OfflineOutcome,
  trust: TrustPolicy,
  options: ChainCheckOptions,
): Promise<VerificationResult> {
  const early = verdictWithoutChain(offline, options);
  if (early) return early;
  const pinned = pinLedger(offline, trust, options);
  if ("result" in pinned) return pinned.result;
  return checkAgainstChain(offline, pinned.view, options);
}

/** The whole verification of one document. */
export function verifyDocument(
  input: unknown,
  deps: VerifyDeps,
  options: ChainCheckOptions,
): Promise<VerificationResult> {
  return verifyOutcome(offlineOutcome(input, deps), deps.trust, options);
}
