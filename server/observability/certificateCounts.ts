import type { CertificateState } from "../store/records.ts";

export type CountsByState = Record<CertificateState, number>;

export interface CertificateCountsDeps {
  /** the exact count (`Store.countCertificates`) */
  count: () => Promise<CountsByState>;
  /** how long a count is answered again: the bound on seeing what other replicas sharing the database changed */
  maxAgeMs: number;
  now: () => Date;
}

/**
 * Certificates by pipeline state for readiness probes and metrics scrapes, which come every few
 * seconds and need no exact figure: the count (tens of milliseconds at a million certificates)
 * runs again once the last one is `maxAgeMs` old, or at once after this replica changed what it
 * counts (`changed`). A failed count is not kept, so a probe sees a database that stopped answering.
 */
export class CertificateCounts {
  readonly #deps: CertificateCountsDeps;
  #last: { counts: CountsByState; at: number; generation: number } | null = null;
  #generation = 0;

  constructor(deps: CertificateCountsDeps) {
    this.#deps = deps;
  }

  async get(): Promise<CountsByState> {
    const at = this.#deps.now().getTime();
    const last = this.#last;
    const fresh = last !== null && at >= last.at && at - last.at < this.#deps.maxAgeMs;
    if (fresh && last.generation === this.#generation) return last.counts;
    // a change during the count may be missing from it: it counts as older than that change
    const generation = this.#generation;
    const counts = await this.#deps.count();
    this.#last = { counts, at, generation };
    return counts;
  }

  /** This replica issued certificates, anchored a batch or put one back to be sent: the next caller counts again. */
  changed(): void {
    this.#generation += 1;
  }
}
