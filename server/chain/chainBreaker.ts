import { ChainUnavailableError } from "../core/verification/ledgerView.ts";
import { isChainUnavailable } from "./provider.ts";

export interface ChainBreakerOptions {
  /** how long a read may take before the chain counts as down (verification, readiness) */
  timeoutMs: number;
  /** how long the chain is taken as down after a failure before one read may try it again */
  cooldownMs: number;
  now?: () => number;
}

/**
 * A circuit breaker for reads that someone is waiting on. A read that fails to reach the chain or
 * takes longer than `timeoutMs` opens the circuit: for `cooldownMs` every read fails at once with
 * ChainUnavailableError, so a stalled node costs a verification nothing but the answer
 * UNAVAILABLE; then a single read probes, and success closes the circuit. Writes (anchoring,
 * status changes) do not go through it: they queue and wait as long as they need.
 */
export class ChainBreaker {
  readonly #options: ChainBreakerOptions;
  #openUntil = 0;
  #downSince: number | null = null;
  #probing = false;

  constructor(options: ChainBreakerOptions) {
    this.#options = options;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** When the chain was last seen going down, while it still counts as down (null: it is up). */
  get downSince(): Date | null {
    return this.#downSince === null ? null : new Date(this.#downSince);
  }

  /**
   * `decisive: false` for reads that only add detail (an event's time, a transaction hash): they
   * fail fast while the circuit is open and are cut off at the deadline, but a slow log query on
   * a chain that answers everything else does not open the circuit.
   */
  async run<T>(read: () => Promise<T>, { decisive = true }: { decisive?: boolean } = {}): Promise<T> {
    const now = this.#now();
    if (this.#downSince !== null && (now < this.#openUntil || this.#probing)) {
      throw new ChainUnavailableError("the chain did not answer moments ago; not asking again yet");
    }
    const probe = decisive && this.#downSince !== null;
    if (probe) this.#probing = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new ChainUnavailableError(`the chain did not answer within ${this.#options.timeoutMs} ms`));
      }, this.#options.timeoutMs);
    });
    try {
      const value = await Promise.race([Promise.resolve().then(read), deadline]);
      if (decisive) this.#downSince = null;
      return value;
    } catch (error) {
      if (decisive && (error instanceof ChainUnavailableError || isChainUnavailable(error))) {
        this.#downSince ??= this.#now();
        this.#openUntil = this.#now() + this.#options.cooldownMs;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (probe) this.#probing = false;
    }
  }
}
