import type { Logger } from "pino";
import { signerLeaseName, type Store } from "../store/port.ts";

export interface SignerLeasesOptions {
  /** how long a lease lasts without renewal: a dead replica's keys are taken over after about this */
  ttlMs: number;
  /** how often held leases are renewed (well under ttlMs) */
  renewMs: number;
}

export const DEFAULT_LEASE_OPTIONS: SignerLeasesOptions = { ttlMs: 5_000, renewMs: 1_500 };

/**
 * Which officer keys this replica may use. Replicas share one database; each key has one lease
 * there, so exactly one replica at a time sends that key's transactions (one nonce sequence) and
 * anchors its agency's batches. A lease is taken when first needed and while free, renewed in
 * the background, and taken over by another replica once its holder stops renewing (a crash):
 * the new holder resumes from the outbox. The store fences outbox writes by the lease's token, so
 * a replica that lost its lease (paused, partitioned) can neither record nor broadcast for it.
 */
export class SignerLeases {
  readonly #store: Store;
  readonly #holder: string;
  readonly #logger: Logger;
  readonly #options: SignerLeasesOptions;
  readonly #onAcquired: (signer: string) => void;
  /** by lowercase address: the token and when (local clock) it was last confirmed */
  readonly #held = new Map<string, { signer: string; token: number; confirmedAt: number }>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    deps: { store: Store; holder: string; logger: Logger; onAcquired?: (signer: string) => void },
    options: SignerLeasesOptions = DEFAULT_LEASE_OPTIONS,
  ) {
    this.#store = deps.store;
    this.#holder = deps.holder;
    this.#logger = deps.logger;
    this.#onAcquired = deps.onAcquired ?? (() => undefined);
    this.#options = options;
  }

  get holder(): string {
    return this.#holder;
  }

  /**
   * Whether this replica may use `signer` now: true while its lease is fresh, else it tries to
   * take the lease (free or expired). A margin below the TTL keeps a replica whose renewals stall
   * from acting on a lease that may already have passed to another.
   */
  async mayUse(signer: string): Promise<boolean> {
    const key = signer.toLowerCase();
    const held = this.#held.get(key);
    if (held && Date.now() - held.confirmedAt < this.#options.ttlMs - this.#options.renewMs) return true;
    const token = await this.#store.acquireLease(signerLeaseName(signer), this.#holder, this.#options.ttlMs);
    if (token === null) {
      if (held) this.#lost(key, held.signer);
      return false;
    }
    this.#held.set(key, { signer, token, confirmedAt: Date.now() });
    if (held?.token !== token) {
      this.#logger.info({ signer, token, holder: this.#holder }, "took the lease on this officer key");
      this.#onAcquired(signer);
    }
    return true;
  }

  /** The officer keys whose lease this replica holds now. */
  heldSigners(): string[] {
    return [...this.#held.values()].map((h) => h.signer);
  }

  /** Renews held leases in the background until `stop`. */
  start(): void {
    if (this.#timer) return;
    const tick = async (): Promise<void> => {
      await this.renewAll().catch((error: unknown) => {
        this.#logger.warn({ err: error }, "renewing leases failed; will retry");
      });
      if (this.#timer) this.#timer = setTimeout(() => void tick(), this.#options.renewMs);
    };
    this.#timer = setTimeout(() => void tick(), this.#options.renewMs);
  }

  async renewAll(): Promise<void> {
    for (const [key, held] of [...this.#held]) {
      const renewed = await this.#store.renewLease(
        signerLeaseName(held.signer),
        this.#holder,
        held.token,
        this.#options.ttlMs,
      );
      if (renewed) held.confirmedAt = Date.now();
      else this.#lost(key, held.signer);
    }
  }

  #lost(key: string, signer: string): void {
    this.#held.delete(key);
    this.#logger.warn(
      { signer, holder: this.#holder },
      "lost the lease on this officer key; another replica uses it now",
    );
  }

  /** Stops renewing and lets every lease go, so another replica takes over at once. */
  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const held of this.#held.values()) {
      await this.#store.releaseLease(signerLeaseName(held.signer), this.#holder, held.token).catch(() => undefined);
    }
    this.#held.clear();
  }
}
