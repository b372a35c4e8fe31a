import type {
  ChainEventRef,
  LeafView,
  LedgerView,
  RestorationRef,
  StatusEventRef,
} from "../core/verification/ledgerView.ts";
import type { ChainBreaker } from "./chainBreaker.ts";

/** A LedgerView whose every read goes through `breaker`: a stalled chain answers UNAVAILABLE fast. */
export class BreakingLedgerView implements LedgerView {
  readonly ledger: string;
  readonly #inner: LedgerView;
  readonly #breaker: ChainBreaker;

  constructor(inner: LedgerView, breaker: ChainBreaker) {
    this.ledger = inner.ledger;
    this.#inner = inner;
    this.#breaker = breaker;
  }

  verifyLeaf(agencyId: number, root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView> {
    return this.#breaker.run(() => this.#inner.verifyLeaf(agencyId, root, leaf, index, proof));
  }

  anchorEvent(agencyId: number, root: string): Promise<ChainEventRef | null> {
    return this.#breaker.run(() => this.#inner.anchorEvent(agencyId, root), { decisive: false });
  }

  statusEvent(agencyId: number, root: string, leaf: string): Promise<StatusEventRef | null> {
    return this.#breaker.run(() => this.#inner.statusEvent(agencyId, root, leaf), { decisive: false });
  }

  restorationEvent(agencyId: number, root: string, leaf: string): Promise<RestorationRef | null> {
    return this.#breaker.run(() => this.#inner.restorationEvent(agencyId, root, leaf), { decisive: false });
  }
}
