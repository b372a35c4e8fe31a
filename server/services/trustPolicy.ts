import type { Provider } from "ethers";
import { EthersLedgerView } from "../chain/ledgerView.ts";
import { TrustAnchors, type TrustedDeployment } from "../core/trust/deployments.ts";
import type { LedgerView } from "../core/verification/ledgerView.ts";
import type { TrustPolicy } from "../core/verification/trust.ts";

/**
 * The service's trust: its own deployment, read through `ownView`, and the deployments of its
 * signed trust list as it stands at each verification. Those on the service's chain are read through the same provider (one view
 * each, made on first use); those on other chains are recognised but not readable here.
 */
export function serviceTrustPolicy(options: {
  provider: Provider;
  own: TrustedDeployment;
  ownView: LedgerView;
  /** the trust list's deployments now (the list is reloaded when its file changes) */
  others: () => readonly TrustedDeployment[];
  /** wraps each view of another deployment the way `ownView` is wrapped (the service's chain breaker) */
  guard?: (view: LedgerView) => LedgerView;
}): TrustPolicy & { withOwnView(view: LedgerView): TrustPolicy } {
  const { own, provider } = options;
  let seen: readonly TrustedDeployment[] | null = null;
  let anchors = TrustAnchors.of([own]);
  const currentAnchors = (): TrustAnchors => {
    const others = options.others();
    if (others !== seen) {
      seen = others;
      anchors = TrustAnchors.of([...others, own]);
    }
    return anchors;
  };
  const views = new Map<string, LedgerView>();
  const otherView = (ledger: string): LedgerView => {
    const key = ledger.toLowerCase();
    let view = views.get(key);
    if (!view) {
      const plain = new EthersLedgerView(provider, ledger);
      view = options.guard ? options.guard(plain) : plain;
      views.set(key, view);
    }
    return view;
  };
  const policy = (ownView: LedgerView): TrustPolicy => ({
    get anchors() {
      return currentAnchors();
    },
    ledgerFor(deployment) {
      if (deployment.chainId !== own.chainId) return null;
      return deployment.ledger.toLowerCase() === own.ledger.toLowerCase() ? ownView : otherView(deployment.ledger);
    },
  });
  return { ...policy(options.ownView), withOwnView: policy };
}
