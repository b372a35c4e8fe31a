import { unknownCertificateResult, type OfflineOutcome } from "../core/verification/engine.ts";
import type { VerificationResult } from "../core/verification/result.ts";
import type { TrustPolicy } from "../core/verification/trust.ts";
import { offlineOutcome, verifyDocument, verifyOutcome, type VerifyDeps } from "../core/verification/verifyDocument.ts";
import type { Store } from "../store/port.ts";
import type { CertificateRecord, CertificateStanding } from "../store/records.ts";
import { VerdictCache, type VerdictBasis } from "./verdictCache.ts";

/** What the shared database knows of a certificate's chain state: a change here means "ask the chain again". */
function recordedVersion(record: Pick<CertificateRecord, "status" | "statusUpdatedAt" | "anchoredAt">): string {
  return `${record.status}|${record.statusUpdatedAt ?? ""}|${record.anchoredAt ?? ""}`;
}

/** The verdict when the link does not match the certificate, or the certificate waits for its batch: no chain read needed. */
function verdictBeforeChain(standing: CertificateStanding, presentedLeaf: string | null): VerificationResult | null {
  if (presentedLeaf !== null && presentedLeaf.toLowerCase() !== standing.leaf.toLowerCase()) {
    return {
      valid: false,
      status: "TAMPERED",
      checks: [{ name: "integrity", passed: false, detail: "the hash in the link does not match this certificate" }],
      certificate: null,
      anchor: null,
      warnings: [],
    };
  }
  if (standing.state !== "anchored") {
    return {
      valid: false,
      status: "NOT_ANCHORED",
      checks: [
        {
          name: "anchored",
          passed: false,
          detail: "the certificate was issued and is waiting to be anchored; try again in a few seconds",
        },
      ],
      certificate: null,
      anchor: null,
      warnings: [],
    };
  }
  return null;
}

/**
 * What a QR scan of a stored, anchored certificate can reuse from the last one: its offline checks
 * and where its batch was anchored. Both are fixed while its leaf and `anchoredAt` are (anchoring
 * again after a chain loss writes a new `anchoredAt`).
 */
interface AnchoredCheck {
  leaf: string;
  anchoredAt: string | null;
  outcome: OfflineOutcome;
  knownAnchor: { txHash: string; blockNumber: number } | null;
}

type VerifierDeps = VerifyDeps & {
  store: Store;
  /** how many stored certificates' offline checks and last verdicts are remembered (about 4 KB each); 0: none */
  offlineCacheEntries: number;
  clock?: () => Date;
  /**
   * the state of the chain the ledger view's cached answers were read at (`CachingLedgerView.epoch`);
   * without it, or while it is null, every verification asks the ledger view again
   */
  chainEpoch?: () => number | null;
  /** the trust policy whose own ledger view keys its answers by a certificate's recorded version (see CachingLedgerView.atVersion) */
  trustAt?: (version: string) => TrustPolicy;
};

/**
 * Verification as the service offers it: documents sent to `POST /verify`, and certificates it
 * stores, looked up by the id in a QR link. Either way the chain decides, never the database.
 */
export class Verifier {
  readonly #deps: VerifierDeps;
  /**
   * The offline checks and batch anchor of stored, anchored documents, by id: their fields, salts
   * and proof no longer change once anchored (re-anchoring after a chain loss changes
   * `anchoredAt`), so a QR scan need not hash them again nor read the batch row. An edit of the database behind the service's back is not seen
   * here until the entry is evicted or the service restarts; reconciliation is what finds those.
   */
  readonly #offline = new Map<string, AnchoredCheck>();
  readonly #verdicts: VerdictCache;

  constructor(deps: VerifierDeps) {
    this.#deps = deps;
    this.#verdicts = new VerdictCache(deps.chainEpoch ? deps.offlineCacheEntries : 0);
  }

  #now(): Date {
    return (this.#deps.clock ?? (() => new Date()))();
  }

  async verifyDocument(document: unknown): Promise<VerificationResult> {
    const id = (document as { id?: unknown } | null)?.id;
    const [supersededBy, record] =
      typeof id === "string"
        ? await Promise.all([this.#deps.store.findSuccessors(id), this.#deps.store.getCertificate(id)])
        : [[], null];
    const trust = record ? this.#trustOf(record) : this.#deps.trust;
    return verifyDocument(
      document,
      { ...this.#deps, trust },
      { now: this.#now(), supersededBy, lookupAnchorEvent: false },
    );
  }

  /**
   * A stored certificate by id, as a QR link (`/v/:id?h=`), a holder or a presentation asks for it;
   * `presentedLeaf` is the `h` of the link, which must match (null when no link was presented). The
   * certificate's standing is read first, and the whole record only when the last verdict no longer
   * holds, so a check of an unchanged certificate is one small read.
   */
  async verifyStored(
    id: string,
    presentedLeaf: string | null,
  ): Promise<{ id: string | null; result: VerificationResult }> {
    const standing = await this.#deps.store.getCertificateStanding(id);
    if (!standing) return { id: null, result: unknownCertificateResult(id) };
    const early = verdictBeforeChain(standing, presentedLeaf);
    if (early) return { id: standing.id, result: early };
    const now = this.#now();
    const basis = this.#basisOf(standing);
    const known = basis && this.#verdicts.get(standing.id, basis, now);
    if (known) return { id: standing.id, result: known };
    // the standing may have moved on since it was read: the verdict is reached, and kept, on the record read now
    const record = await this.#deps.store.getCertificate(id);
    if (!record) return { id: null, result: unknownCertificateResult(id) };
    const current = { ...record, successors: standing.successors };
    const changed = verdictBeforeChain(current, presentedLeaf);
    if (changed) return { id: record.id, result: changed };
    return {
      id: record.id,
      result: await this.#verifyAnchored(record, current.successors, now, this.#basisOf(current)),
    };
  }

  /** The chain checks of an anchored record whose link matched; `basis` is read before them, so a chain change during them makes the verdict stale at once. */
  async #verifyAnchored(
    record: CertificateRecord,
    supersededBy: readonly string[],
    now: Date,
    basis: VerdictBasis | null,
  ): Promise<VerificationResult> {
    const { outcome, knownAnchor } = await this.#anchoredCheckOf(record);
    const result = await verifyOutcome(outcome, this.#trustOf(record), {
      now,
      supersededBy,
      ...(knownAnchor ? { knownAnchor } : {}),
    });
    if (basis) this.#verdicts.set(record.id, basis, now, result);
    return result;
  }

  #basisOf(standing: CertificateStanding): VerdictBasis | null {
    const epoch = this.#deps.chainEpoch?.() ?? null;
    if (epoch === null) return null;
    return {
      stamp: `${epoch}|${standing.leaf}|${recordedVersion(standing)}|${standing.successors.join(",")}`,
      anchors: this.#deps.trust.anchors,
    };
  }

  #trustOf(record: CertificateRecord): TrustPolicy {
    return this.#deps.trustAt ? this.#deps.trustAt(recordedVersion(record)) : this.#deps.trust;
  }

  async #anchoredCheckOf(record: CertificateRecord): Promise<AnchoredCheck> {
    const cached = this.#offline.get(record.id);
    if (cached?.leaf === record.leaf && cached.anchoredAt === record.anchoredAt) return cached;
    const outcome = offlineOutcome(record.document, this.#deps);
    const batch = record.batchId === null ? null : await this.#deps.store.getBatch(record.batchId);
    const check: AnchoredCheck = {
      leaf: record.leaf,
      anchoredAt: record.anchoredAt,
      outcome,
      knownAnchor:
        batch?.txHash && batch.blockNumber !== null ? { txHash: batch.txHash, blockNumber: batch.blockNumber } : null,
    };
    if (this.#deps.offlineCacheEntries === 0) return check;
    this.#offline.delete(record.id);
    this.#offline.set(record.id, check);
    if (this.#offline.size > this.#deps.offlineCacheEntries) {
      const oldest = this.#offline.keys().next().value;
      if (oldest !== undefined) this.#offline.delete(oldest);
    }
    return check;
  }
}
