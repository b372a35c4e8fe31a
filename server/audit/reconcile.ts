import type { Provider } from "ethers";
import { ICertificateLedger__factory, type ICertificateLedger } from "../../types/ethers-contracts/index.ts";
import { CertificateBatchTree, processProof, treeNode } from "../core/batch/merkle.ts";
import type { CertificateDocument } from "../core/document/model.ts";
import { computeLeaf } from "../core/hashing/fields.ts";
import { toHex32, type Keccak256 } from "../core/hashing/keccak.ts";
import type { LedgerView } from "../core/verification/ledgerView.ts";
import type { Store } from "../store/port.ts";
import {
  UNFINISHED_STATUS_OP_STATES,
  type BatchRecord,
  type CertificateRecord,
  type CertificateStatus,
} from "../store/records.ts";
import type { AuditIndex } from "./auditIndex.ts";
import { reasonName } from "./events.ts";

export type Severity = "critical" | "high" | "medium";

export type FindingCode =
  /** a root on chain that this service never anchored: an officer key was used elsewhere */
  | "UNKNOWN_ROOT"
  /** a batch the database calls anchored is not on chain */
  | "ROOT_NOT_ON_CHAIN"
  /** the chain's record of a batch (agency, type, size) differs from the database's */
  | "BATCH_RECORD_MISMATCH"
  /** the stored leaves of a batch do not rebuild its root */
  | "BATCH_ROOT_MISMATCH"
  /** a certificate's leaf is not proven under its batch's root */
  | "NOT_PROVEN"
  /** a stored document hashes to something other than its leaf, or names another proof */
  | "DOCUMENT_MISMATCH"
  /** the database's status (or reason) of a certificate differs from the chain's */
  | "STATUS_MISMATCH"
  /** a certificate marked anchored whose batch is not, or the reverse */
  | "ANCHOR_STATE_MISMATCH";

export interface Finding {
  severity: Severity;
  code: FindingCode;
  certificateId?: string;
  root?: string;
  detail: string;
}

export interface ReconcileReport {
  ok: boolean;
  generatedAt: string;
  /** the last block of the audit index the check used */
  indexedThrough: number | null;
  checked: { batches: number; certificates: number; chainRoots: number };
  /** certificates left out because a status change of theirs is still under way */
  skippedInFlight: number;
  findings: Finding[];
}

export interface ReconcilerDeps {
  store: Store;
  index: AuditIndex;
  /** brings the index up to the chain's head before the comparison */
  syncIndex(): Promise<unknown>;
  ledgerView: LedgerView;
  provider: Provider;
  ledger: string;
  keccak: Keccak256;
  clock?: () => Date;
}

const BATCH_CONCURRENCY = 16;
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2 };
const LEAF_STATUS: readonly CertificateStatus[] = ["active", "suspended", "revoked"];

interface ChainStatus {
  status: CertificateStatus;
  reason: string | null;
}

/** Database status in the chain's terms: suspension and revocation carry a reason name. */
const dbStatus = (c: CertificateRecord): ChainStatus => ({
  status: c.status,
  reason: c.status === "active" ? null : c.statusReason,
});
const same = (a: ChainStatus, b: ChainStatus): boolean =>
  a.status === b.status && (a.status === "active" || a.reason === b.reason);
const describe = (s: ChainStatus): string => (s.reason ? `${s.status} (${s.reason})` : s.status);

/**
 * Compares the service's database with the chain, batch by batch: one Merkle rebuild from stored
 * leaves and one eth_call per batch prove its members, statuses are compared with the audit index
 * (a difference is confirmed with the chain itself before it is reported), and every root the
 * index saw anchored must be one of the database's batches.
 */
export class Reconciler {
  readonly #deps: ReconcilerDeps;
  readonly #contract: ICertificateLedger;

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
    this.#contract = ICertificateLedger__factory.connect(deps.ledger, deps.provider);
  }

  async run(): Promise<ReconcileReport> {
    const { store, index } = this.#deps;
    await this.#deps.syncIndex();
    const findings: Finding[] = [];
    const inFlight = new Set(
      (await store.listStatusOps([...UNFINISHED_STATUS_OP_STATES])).map((op) => op.certificateId),
    );
    const allBatches = await store.listBatches(["prepared", "sent", "anchored"]);
    const anchored = allBatches.filter((b) => b.state === "anchored");
    let certificates = 0;
    let skippedInFlight = 0;
    // batches in groups: their eth_calls leave in the same tick, which ethers sends as one
    // JSON-RPC batch, so a thousand small batches do not cost a thousand round trips
    for (let i = 0; i < anchored.length; i += BATCH_CONCURRENCY) {
      const group = await Promise.all(
        anchored.slice(i, i + BATCH_CONCURRENCY).map(async (batch) => {
          const members = await store.batchMembers(batch.id);
          return { members, findings: await this.#checkBatch(batch, members, inFlight) };
        }),
      );
      for (const { members, findings: found } of group) {
        certificates += members.filter((m) => m.state === "anchored").length;
        skippedInFlight += members.filter((m) => inFlight.has(m.id)).length;
        findings.push(...found);
      }
    }
    findings.push(...(await this.#strayAnchored(new Set(anchored.map((b) => b.id)), certificates)));

    const known = new Set(allBatches.map((b) => b.root.toLowerCase()));
    let chainRoots = 0;
    for (const event of index.iterate({ kinds: ["BatchAnchored"] })) {
      chainRoots++;
      if (event.root === null || known.has(event.root)) continue;
      findings.push({
        severity: "critical",
        code: "UNKNOWN_ROOT",
        root: event.root,
        detail: `anchored on chain for agency ${String(event.agencyId)} by officer ${event.actor} (tx ${event.txHash}, block ${event.blockNumber}), but not by this service: the officer key was used elsewhere`,
      });
    }

    findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    return {
      ok: findings.length === 0,
      generatedAt: (this.#deps.clock ?? (() => new Date()))().toISOString(),
      indexedThrough: index.indexedThrough(),
      checked: { batches: anchored.length, certificates, chainRoots },
      skippedInFlight,
      findings,
    };
  }

  async #checkBatch(
    batch: BatchRecord,
    members: CertificateRecord[],
    inFlight: ReadonlySet<string>,
  ): Promise<Finding[]> {
    const { keccak } = this.#deps;
    const root = batch.root.toLowerCase();
    const findings: Finding[] = [];
    if (members.length === 0) {
      return [
        {
          severity: "high",
          code: "BATCH_ROOT_MISMATCH",
          root,
          detail: `batch ${batch.id} has no members in the database`,
        },
      ];
    }
    const tree = CertificateBatchTree.of(
      members.map((m) => m.leaf),
      keccak,
    );
    const rootRebuilt = tree.root.toLowerCase() === root && members.every((m, i) => m.leafIndex === i);
    if (!rootRebuilt) {
      findings.push({
        severity: "high",
        code: "BATCH_ROOT_MISMATCH",
        root,
        detail: `the stored leaves of batch ${batch.id} do not rebuild its root`,
      });
      // point at the members whose own proof no longer reaches the root
      for (const m of members) {
        if (!this.#provenByDocument(m, root)) {
          findings.push({
            severity: "high",
            code: "NOT_PROVEN",
            certificateId: m.id,
            root,
            detail: "its stored leaf is not proven under the batch's root",
          });
        }
      }
    }

    const first = members[0];
    if (first) {
      const view = await this.#deps.ledgerView.verifyLeaf(
        batch.agencyId,
        root,
        first.leaf,
        0,
        rootRebuilt ? tree.proof(0) : proofOf(first),
      );
      if (!view.anchored) {
        findings.push({
          severity: "critical",
          code: "ROOT_NOT_ON_CHAIN",
          root,
          detail: `batch ${batch.id} (${members.length} certificates) is anchored in the database but its root is not on chain`,
        });
        return findings;
      }
      const mismatched = [
        view.batch.agencyId !== batch.agencyId
          ? `agency ${view.batch.agencyId} on chain, ${batch.agencyId} here`
          : null,
        view.batch.typeId !== batch.typeId ? `type ${view.batch.typeId} on chain, ${batch.typeId} here` : null,
        view.batch.size !== members.length ? `size ${view.batch.size} on chain, ${members.length} members here` : null,
      ].filter((m): m is string => m !== null);
      if (mismatched.length > 0)
        findings.push({ severity: "high", code: "BATCH_RECORD_MISMATCH", root, detail: mismatched.join("; ") });
    }

    for (const m of members) {
      if (m.state !== "anchored") {
        findings.push({
          severity: "medium",
          code: "ANCHOR_STATE_MISMATCH",
          certificateId: m.id,
          root,
          detail: `in an anchored batch, but marked ${m.state}`,
        });
      }
      const problem = this.#documentProblem(m, root);
      if (problem)
        findings.push({ severity: "high", code: "DOCUMENT_MISMATCH", certificateId: m.id, root, detail: problem });
    }
    findings.push(...(await this.#statusFindings(batch.agencyId, root, members, inFlight)));
    return findings;
  }

  #provenByDocument(m: CertificateRecord, root: string): boolean {
    if (m.leafIndex === null) return false;
    const computed = toHex32(
      processProof(this.#deps.keccak, treeNode(this.#deps.keccak, m.leaf, m.leafIndex), proofOf(m)),
    );
    return computed === root;
  }

  #documentProblem(m: CertificateRecord, root: string): string | null {
    let leaf: string;
    try {
      leaf = computeLeaf(m.document as unknown as CertificateDocument, this.#deps.keccak);
    } catch {
      return "the stored document cannot be hashed";
    }
    if (leaf !== m.leaf.toLowerCase()) return "the stored document hashes to another leaf than the certificate's";
    const proof = (m.document as { proof?: { root?: unknown; leaf?: unknown; index?: unknown } }).proof;
    if (proof?.root !== root || proof.leaf !== m.leaf || proof.index !== m.leafIndex) {
      return "the stored document's proof block names another root, leaf or index";
    }
    return null;
  }

  /** Statuses by the index; each difference is read again from the chain before it counts. */
  async #statusFindings(
    agencyId: number,
    root: string,
    members: CertificateRecord[],
    inFlight: ReadonlySet<string>,
  ): Promise<Finding[]> {
    const byIndex = new Map<number, ChainStatus>();
    let batchRevoked: ChainStatus | null = null;
    for (const e of this.#deps.index.batchEvents(agencyId, root)) {
      if (e.kind === "BatchRevoked") batchRevoked = { status: "revoked", reason: reasonName(e.reasonCode) };
      else if (e.kind === "BatchRestored") batchRevoked = null;
      else if (e.leafIndex !== null && e.kind === "CertificateRestored")
        byIndex.set(e.leafIndex, { status: "active", reason: null });
      else if (e.leafIndex !== null && e.kind === "CertificateRevoked")
        byIndex.set(e.leafIndex, { status: "revoked", reason: reasonName(e.reasonCode) });
      else if (e.leafIndex !== null && e.kind === "CertificateSuspended")
        byIndex.set(e.leafIndex, { status: "suspended", reason: reasonName(e.reasonCode) });
      else if (e.leafIndex !== null && e.kind === "CertificateReinstated")
        byIndex.set(e.leafIndex, { status: "active", reason: null });
    }
    const findings: Finding[] = [];
    for (const m of members) {
      if (inFlight.has(m.id) || m.leafIndex === null) continue;
      const indexed = byIndex.get(m.leafIndex) ?? { status: "active", reason: null };
      const expected = indexed.status !== "revoked" && batchRevoked ? batchRevoked : indexed;
      const stored = dbStatus(m);
      if (same(stored, expected)) continue;
      const onChain = await this.#chainStatus(agencyId, root, m.leafIndex);
      if (same(stored, onChain)) continue;
      findings.push({
        severity: "high",
        code: "STATUS_MISMATCH",
        certificateId: m.id,
        root,
        detail: `the database says ${describe(stored)}, the chain says ${describe(onChain)}`,
      });
    }
    return findings;
  }

  async #chainStatus(agencyId: number, root: string, index: number): Promise<ChainStatus> {
    const [[status, reason], [revokedAt, batchReason]] = await Promise.all([
      this.#contract.leafStatus(agencyId, root, index),
      this.#contract.batchRevocation(agencyId, root),
    ]);
    const leaf: ChainStatus = {
      status: LEAF_STATUS[Number(status)] ?? "active",
      reason: Number(status) === 0 ? null : reasonName(Number(reason)),
    };
    return leaf.status !== "revoked" && revokedAt > 0n
      ? { status: "revoked", reason: reasonName(Number(batchReason)) }
      : leaf;
  }

  /** Certificates marked anchored outside every anchored batch (counted first: a full scan only when needed). */
  async #strayAnchored(anchoredBatchIds: ReadonlySet<number>, seen: number): Promise<Finding[]> {
    const { store } = this.#deps;
    if ((await store.countCertificates()).anchored === seen) return [];
    const findings: Finding[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.queryCertificates({ state: "anchored", limit: 500, ...(after ? { after } : {}) });
      for (const c of page) {
        if (c.batchId === null || !anchoredBatchIds.has(c.batchId)) {
          findings.push({
            severity: "medium",
            code: "ANCHOR_STATE_MISMATCH",
            certificateId: c.id,
            detail: "marked anchored, but its batch is not anchored",
          });
        }
      }
      if (page.length < 500) return findings;
      after = page.at(-1)?.id;
    }
  }
}

function proofOf(m: CertificateRecord): string[] {
  const proof = (m.document as { proof?: { proof?: unknown } }).proof?.proof;
  return Array.isArray(proof)
    ? proof.filter((p): p is string => typeof p === "string" && /^0x[0-9a-fA-F]{64}$/.test(p))
    : [];
}
