import { describeDeployment, TrustAnchors, type TrustedDeployment } from "../trust/deployments.ts";
import type { ChainCheckOptions, OfflineOutcome } from "./engine.ts";
import type { LedgerView } from "./ledgerView.ts";
import { supersessionWarnings, type VerificationResult } from "./result.ts";

/**
 * Whom a verifier trusts: the deployments it pinned (its own, a `--ledger`, a signed trust list),
 * and a view of the ledger of each one whose chain it can read. The ledger a document names is
 * only ever looked up here, never taken from the document.
 */
export interface TrustPolicy {
  readonly anchors: TrustAnchors;
  /** the ledger of a trusted deployment, or null when this verifier cannot read that chain */
  ledgerFor(deployment: TrustedDeployment): LedgerView | null;
}

/** A verifier that trusts one ledger on one chain, and reads it through `view`. */
export function trustOnly(view: LedgerView, chainId: number): TrustPolicy {
  const anchors = TrustAnchors.of([{ chainId, ledger: view.ledger }]);
  return { anchors, ledgerFor: (deployment) => (deployment.chainId === chainId ? view : null) };
}

function refusal(
  offline: OfflineOutcome,
  status: "UNTRUSTED_LEDGER" | "WRONG_NETWORK",
  detail: string,
  options: ChainCheckOptions,
): VerificationResult {
  return {
    valid: false,
    status,
    checks: [...offline.checks, { name: "network", passed: false, detail }],
    certificate: offline.certificate,
    anchor: null,
    warnings: supersessionWarnings(options.supersededBy),
  };
}

/** The result for a document whose ledger no one pinned: the verifier names it and says how to pin it. */
export function unpinnedResult(
  offline: OfflineOutcome,
  howToPin: string,
  options: ChainCheckOptions,
): VerificationResult {
  const proof = offline.proof;
  const named =
    proof?.ledger && proof.chainId !== undefined
      ? describeDeployment({ chainId: proof.chainId, ledger: proof.ledger })
      : "no ledger";
  return refusal(
    offline,
    "UNTRUSTED_LEDGER",
    `No ledger is pinned, so nothing is trusted. The document names ${named}. ${howToPin}`,
    options,
  );
}

/**
 * The trust decision for an anchored document that passed the offline checks: the view of the
 * ledger to ask, when the deployment the document names (chain id and ledger together) is trusted
 * and readable here; otherwise the verdict: UNTRUSTED_LEDGER for a deployment not recognised,
 * WRONG_NETWORK for a trusted one on a chain this verifier does not read.
 */
export function pinLedger(
  offline: OfflineOutcome,
  policy: TrustPolicy,
  options: ChainCheckOptions,
): { view: LedgerView; deployment: TrustedDeployment } | { result: VerificationResult } {
  const proof = offline.proof;
  if (proof?.chainId === undefined || !proof.ledger)
    throw new Error("unreachable: an anchored document names its chain and ledger");
  const named = { chainId: proof.chainId, ledger: proof.ledger };
  const deployment = policy.anchors.find(named.chainId, named.ledger);
  if (!deployment) {
    const trusted = policy.anchors.list().map(describeDeployment).join("; ");
    return {
      result: refusal(
        offline,
        "UNTRUSTED_LEDGER",
        `The document is anchored on ${describeDeployment(named)}, which this verifier does not recognise (it trusts ${trusted || "no ledger"}).`,
        options,
      ),
    };
  }
  const view = policy.ledgerFor(deployment);
  if (!view) {
    return {
      result: refusal(
        offline,
        "WRONG_NETWORK",
        `The document is anchored on ${describeDeployment(deployment)}, a trusted deployment on a chain this verifier does not read; verify it with an RPC endpoint of chain ${deployment.chainId}.`,
        options,
      ),
    };
  }
  return { view, deployment };
}
