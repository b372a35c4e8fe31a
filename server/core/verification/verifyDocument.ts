import type { Keccak256 } from "../hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../registry/registry.ts";
import { checkAgainstChain, type ChainCheckOptions, type OfflineOutcome } from "./engine.ts";
import type { LedgerView } from "./ledgerView.ts";
import { verifyOffline } from "./offline.ts";
import type { VerificationResult } from "./result.ts";

export interface VerifyDeps {
  keccak: Keccak256;
  types: CertificateTypeRegistry;
  ledger: LedgerView;
}

/** The offline checks, then the chain checks: the whole verification of one document. */
export function offlineOutcome(input: unknown, deps: Pick<VerifyDeps, "keccak" | "types">): OfflineOutcome {
  const offline = verifyOffline(input, deps.keccak);
  const document = offline.document;
  const type = document ? deps.types.find(document.type) : undefined;
  if (offline.passed && document && !type) {
    return {
      checks: [...offline.checks, { name: "issuer", passed: false, detail: `certificate type ${document.type} is not known to this verifier` }],
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

export function verifyDocument(input: unknown, deps: VerifyDeps, options: ChainCheckOptions): Promise<VerificationResult> {
  return checkAgainstChain(offlineOutcome(input, deps), deps.ledger, options);
}
