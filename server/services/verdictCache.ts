import type { VerificationResult } from "../core/verification/result.ts";

/**
 * What a stored certificate's verdict was reached on, besides the time: the chain state its answers
 * were read at (`CachingLedgerView.epoch`), the certificate as the shared database records it
 * (leaf, status, anchoring), its successors, and the trust anchors in force (compared by identity:
 * the trust policy makes a new object when its list changes).
 */
export interface VerdictBasis {
  stamp: string;
  anchors: object;
}

interface Entry extends VerdictBasis {
  /** where the time stood against the certificate's validity window when the verdict was reached */
  period: number;
  validFrom: number;
  validUntil: number;
  result: VerificationResult;
}

/**
 * -1 before `validFrom`, 1 after `validUntil`, 0 within; a missing bound parses to NaN and compares
 * false, as in the engine's validity check. A verdict holds only while the time stays in its period.
 */
const periodOf = (now: number, validFrom: number, validUntil: number): number =>
  now < validFrom ? -1 : now > validUntil ? 1 : 0;

/**
 * The last verdict per stored certificate, answered again while nothing it depends on changed: a
 * QR scan then costs one store read. A verdict the chain could not give (UNAVAILABLE), or a status
 * whose time the chain's logs did not give, is not kept: the next scan asks again.
 */
export class VerdictCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  /** `maxEntries` 0 keeps nothing */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(id: string, basis: VerdictBasis, now: Date): VerificationResult | undefined {
    const entry = this.#entries.get(id);
    if (entry?.stamp !== basis.stamp || entry.anchors !== basis.anchors) return undefined;
    return periodOf(now.getTime(), entry.validFrom, entry.validUntil) === entry.period ? entry.result : undefined;
  }

  set(id: string, basis: VerdictBasis, now: Date, result: VerificationResult): void {
    if (this.#maxEntries === 0 || !settled(result)) return;
    const validFrom = Date.parse(result.certificate?.validFrom ?? "");
    const validUntil = Date.parse(result.certificate?.validUntil ?? "");
    this.#entries.delete(id);
    this.#entries.set(id, {
      ...basis,
      period: periodOf(now.getTime(), validFrom, validUntil),
      validFrom,
      validUntil,
      result,
    });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}

function settled(result: VerificationResult): boolean {
  if (result.status === "UNAVAILABLE") return false;
  return result.revocation === undefined || result.revocation.at !== undefined;
}
