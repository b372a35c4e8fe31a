import type { ChainEventRef, LeafView, LedgerView } from "../core/verification/ledgerView.ts";
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

  verifyLeaf(root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView> {
    return this.#breaker.run(() => this.#inner.verifyLeaf(root, leaf, index, proof));
  }

  anchorEvent(root: string): Promise<ChainEventRef | null> {
    return this.#breaker.run(() => this.#inner.anchorEvent(root), { decisive: false });
  }

  statusEvent(root: string, leaf: string): Promise<ChainEventRef | null> {
    return this.#breaker.run(() => this.#inner.statusEvent(root, leaf), { decisive: false });
  }
}
