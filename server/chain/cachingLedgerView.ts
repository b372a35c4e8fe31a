import type { Provider } from "ethers";
import type {
  ChainEventRef,
  LeafView,
  LedgerView,
  RestorationRef,
  StatusEventRef,
} from "../core/verification/ledgerView.ts";

export interface CachingLedgerViewOptions {
  /** how often the chain head is read; an outside status change is seen within about this long */
  pollMs: number;
  maxEntries: number;
}

/** What the cache needs of a provider: the head block number. */
export type HeadReader = Pick<Provider, "getBlockNumber">;

/**
 * Answers repeated verifications of the same certificate without an eth_call while the chain has
 * not moved: a status can only change in a new block, so every cached answer is dropped when the
 * head block changes, when this service changes something on chain itself (`invalidate`, called
 * before it reports the change), or when the chain cannot be read (then every call goes through,
 * and fails as UNAVAILABLE).
 *
 * The head is polled, so on its own a change made by another replica (or anyone) is seen up to
 * `pollMs` late, and a replica's `invalidate` reaches no other replica. Where the caller knows the
 * certificate's status as the shared database records it, `atVersion` keys the answer by that
 * version too: a status change confirmed by any replica is recorded before it is reported, so the
 * next verification anywhere asks the chain again.
 */
export class CachingLedgerView implements LedgerView {
  readonly ledger: string;
  readonly #inner: LedgerView;
  readonly #provider: HeadReader;
  readonly #options: CachingLedgerViewOptions;
  /**
   * answers by certificate, as promises: concurrent scans of one certificate share one eth_call.
   * Emptied whenever the head moves: an answer of an older block is never used again, and keeping
   * it until the size bound evicts it held up to `maxEntries` dead answers (about 1.5 KB each).
   */
  readonly #cache = new Map<string, Promise<LeafView>>();
  #head: number | null = null;
  #generation = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(inner: LedgerView, provider: HeadReader, options: CachingLedgerViewOptions) {
    this.ledger = inner.ledger;
    this.#inner = inner;
    this.#provider = provider;
    this.#options = options;
  }

  /** Starts following the chain head; until the first read succeeds nothing is cached. */
  start(): void {
    const poll = async (): Promise<void> => {
      try {
        const head = await this.#provider.getBlockNumber();
        if (head !== this.#head) {
          this.#head = head;
          this.#forget();
        }
      } catch {
        this.#head = null;
        this.#forget();
      }
      if (this.#timer) this.#timer = setTimeout(() => void poll(), this.#options.pollMs);
    };
    this.#timer = setTimeout(() => void poll(), 0);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** How many answers are held now (all of the current head). */
  get size(): number {
    return this.#cache.size;
  }

  /**
   * Names the state of the chain the cached answers were read at: it changes whenever they are
   * dropped (a new head, `invalidate`, a failed head read), so anything derived from an answer can
   * be kept under it and is stale once it differs. Null while nothing is cached (head unknown).
   */
  get epoch(): number | null {
    return this.#head === null ? null : this.#generation;
  }

  /** Forgets every cached answer: the chain changed in a way the caller knows of. */
  invalidate(): void {
    this.#forget();
  }

  #forget(): void {
    this.#generation++;
    this.#cache.clear();
  }

  /** This view with answers keyed by `version` as well (the certificate's recorded status and anchoring). */
  atVersion(version: string): LedgerView {
    return {
      ledger: this.ledger,
      verifyLeaf: (agencyId, root, leaf, index, proof) =>
        this.#verifyLeaf(
          `${agencyId}:${root}:${leaf}:${index}:${proof.join(",")}|${version}`,
          agencyId,
          root,
          leaf,
          index,
          proof,
        ),
      anchorEvent: (agencyId, root) => this.anchorEvent(agencyId, root),
      statusEvent: (agencyId, root, leaf) => this.statusEvent(agencyId, root, leaf),
      restorationEvent: (agencyId, root, leaf) => this.restorationEvent(agencyId, root, leaf),
    };
  }

  verifyLeaf(agencyId: number, root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView> {
    return this.#verifyLeaf(
      `${agencyId}:${root}:${leaf}:${index}:${proof.join(",")}`,
      agencyId,
      root,
      leaf,
      index,
      proof,
    );
  }

  async #verifyLeaf(
    key: string,
    agencyId: number,
    root: string,
    leaf: string,
    index: number,
    proof: readonly string[],
  ): Promise<LeafView> {
    if (this.#head === null) return this.#inner.verifyLeaf(agencyId, root, leaf, index, proof);
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const entry = this.#inner.verifyLeaf(agencyId, root, leaf, index, proof);
    this.#cache.set(key, entry);
    if (this.#cache.size > this.#options.maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    try {
      return await entry;
    } catch (error) {
      // a failure (the chain unreachable) is never remembered
      if (this.#cache.get(key) === entry) this.#cache.delete(key);
      throw error;
    }
  }

  anchorEvent(agencyId: number, root: string): Promise<ChainEventRef | null> {
    return this.#inner.anchorEvent(agencyId, root);
  }

  statusEvent(agencyId: number, root: string, leaf: string): Promise<StatusEventRef | null> {
    return this.#inner.statusEvent(agencyId, root, leaf);
  }

  restorationEvent(agencyId: number, root: string, leaf: string): Promise<RestorationRef | null> {
    return this.#inner.restorationEvent(agencyId, root, leaf);
  }
}
