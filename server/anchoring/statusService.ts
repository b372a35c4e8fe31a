import type { Provider } from "ethers";
import type { Logger } from "pino";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import type { OfficerQueue } from "../chain/signerQueue.ts";
import { REVOCATION_REASONS, type RevocationReason } from "../core/verification/result.ts";
import { StatusOpPendingError } from "../store/errors.ts";
import type { NewStatusOp, Store } from "../store/port.ts";
import {
  UNFINISHED_STATUS_OP_STATES,
  type CertificateRecord,
  type CertificateStatus,
  type StatusOpKind,
  type StatusOpRecord,
} from "../store/records.ts";
import type { BatchTree } from "./anchorService.ts";
import { crashPoint } from "./crashPoints.ts";
import { statusTarget } from "../chain/statusTarget.ts";

export class StatusChangeError extends Error {
  readonly code: "CERTIFICATE_PENDING" | "INVALID_TRANSITION" | "STATUS_CHANGE_PENDING" | "CHAIN_REJECTED";

  constructor(code: StatusChangeError["code"], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StatusChangeError";
    this.code = code;
  }
}

export interface StatusServiceDeps {
  store: Store;
  provider: Provider;
  ledger: string;
  signerFor(agencyId: number): Promise<OfficerQueue>;
  buildTree(leaves: readonly string[]): BatchTree;
  /** told before a change is reported, so the next verification cannot see a stale answer */
  onChainChange?: () => void;
  /** whether this replica may send with the officer key now (its lease); absent: always */
  mayUseSigner?: (signer: string) => Promise<boolean>;
  /** how often a change carried out by another replica is looked at while waiting for it */
  pollMs?: number;
  logger: Logger;
  clock?: () => Date;
}

const ledgerInterface = ICertificateLedger__factory.createInterface();

const ALLOWED: Record<StatusOpKind, readonly CertificateStatus[]> = {
  revoke: ["active", "suspended"],
  suspend: ["active"],
  reinstate: ["suspended"],
};

const RESULT: Record<StatusOpKind, CertificateStatus> = {
  revoke: "revoked",
  suspend: "suspended",
  reinstate: "active",
};

/**
 * Revokes, suspends and reinstates anchored certificates on chain, through the same durable outbox
 * discipline as anchoring: the request is recorded, then signed (hash recorded), then broadcast.
 */
export class StatusService {
  readonly #deps: StatusServiceDeps;
  readonly #options: { confirmations: number; receiptTimeoutMs: number };
  /** operations being carried out by this process: a request and the outbox loop share one run */
  readonly #inFlight = new Map<number, Promise<StatusOpRecord>>();

  constructor(deps: StatusServiceDeps, options: { confirmations: number; receiptTimeoutMs: number }) {
    this.#deps = deps;
    this.#options = options;
  }

  #now(): string {
    return (this.#deps.clock ?? (() => new Date()))().toISOString();
  }

  /**
   * Records the request and carries it out. Resolves with the operation `done` once the chain
   * confirmed it, or still unfinished (`pending`, `sent`) when the chain cannot confirm it now: the
   * outbox finishes it later. Rejects only when the change is refused (StatusChangeError).
   */
  async request(
    certificate: CertificateRecord,
    change: { kind: StatusOpKind; reason: RevocationReason | null; note: string | null; requestedBy: string },
  ): Promise<StatusOpRecord> {
    if (certificate.state !== "anchored" || certificate.batchId === null) {
      throw new StatusChangeError(
        "CERTIFICATE_PENDING",
        "The certificate is not anchored yet; try again in a few seconds",
      );
    }
    if (!ALLOWED[change.kind].includes(certificate.status)) {
      throw new StatusChangeError(
        "INVALID_TRANSITION",
        `A ${certificate.status} certificate cannot be given the action ${change.kind}`,
      );
    }
    const unfinished = await this.#deps.store.unfinishedStatusOp(certificate.id);
    if (unfinished) throw changePending(unfinished);
    const signer = await this.#deps.signerFor(certificate.agencyId);
    const op = await this.#deps.store
      .createStatusOp({
        certificateId: certificate.id,
        kind: change.kind,
        reason: change.reason,
        note: change.note,
        signer: signer.address,
        requestedBy: change.requestedBy,
        createdAt: this.#now(),
      })
      .catch(async (error: unknown) => {
        // another request for this certificate was recorded since the check above
        if (!(error instanceof StatusOpPendingError)) throw error;
        throw changePending(await this.#deps.store.unfinishedStatusOp(certificate.id), error);
      });
    const carried =
      this.#deps.mayUseSigner && !(await this.#deps.mayUseSigner(op.signer))
        ? this.#awaitElsewhere(op)
        : this.carryOut(op);
    try {
      return await carried;
    } catch (error) {
      // The ledger's refusal is final; anything else (a chain that is down or slow, a receipt still
      // awaited) leaves the recorded operation to the outbox, which carries it out once it can.
      // Answering an error here would invite a retry: a second operation for the same change.
      if (error instanceof StatusChangeError) throw error;
      this.#deps.logger.warn({ err: error, op: op.id }, "status change recorded, not confirmed yet");
      return (await this.#deps.store.getStatusOp(op.id)) ?? op;
    }
  }

  /** Another replica holds the officer key: it carries the recorded operation out; wait for the outcome. */
  async #awaitElsewhere(op: StatusOpRecord): Promise<StatusOpRecord> {
    const deadline = Date.now() + this.#options.receiptTimeoutMs * 2;
    const pollMs = this.#deps.pollMs ?? 100;
    while (Date.now() < deadline) {
      const current = await this.#deps.store.getStatusOp(op.id);
      if (current?.state === "done") {
        this.#deps.onChainChange?.();
        return current;
      }
      if (current?.state === "failed")
        throw new StatusChangeError("CHAIN_REJECTED", `The ledger refused the change: ${current.error ?? "no reason"}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return (await this.#deps.store.getStatusOp(op.id)) ?? op;
  }

  /** Carries out the unfinished operations of the officer keys this replica holds (the outbox loop). */
  async resumeOwned(): Promise<void> {
    for (const op of await this.#deps.store.listStatusOps([...UNFINISHED_STATUS_OP_STATES])) {
      if (this.#inFlight.has(op.id)) continue;
      if (this.#deps.mayUseSigner && !(await this.#deps.mayUseSigner(op.signer))) continue;
      await this.carryOut(op).catch((error: unknown) => {
        this.#deps.logger.warn({ err: error, op: op.id }, "status change still unfinished");
      });
    }
  }

  async #calldata(op: StatusOpRecord): Promise<{ data: string; certificate: CertificateRecord }> {
    const store = this.#deps.store;
    const certificate = await store.getCertificate(op.certificateId);
    if (certificate?.batchId == null || certificate.leafIndex === null)
      throw new Error(`certificate ${op.certificateId} is not in a batch`);
    const batch = await store.getBatch(certificate.batchId);
    if (!batch) throw new Error(`batch ${certificate.batchId} is missing`);
    const members = await store.batchLeaves(batch.id);
    const proof = this.#deps.buildTree(members.map((m) => m.leaf)).proof(certificate.leafIndex);
    const reasonCode =
      REVOCATION_REASONS[
        (op.reason ?? (op.kind === "suspend" ? "certificateHold" : "unspecified")) as RevocationReason
      ];
    const target = statusTarget(batch.agencyId, certificate.leafIndex, op.kind === "reinstate" ? 0 : reasonCode);
    const args: [string, string, bigint, string[]] = [batch.root, certificate.leaf, target, proof];
    const data =
      op.kind === "reinstate"
        ? ledgerInterface.encodeFunctionData("reinstate", args)
        : op.kind === "revoke"
          ? ledgerInterface.encodeFunctionData("revoke", args)
          : ledgerInterface.encodeFunctionData("suspend", args);
    return { data, certificate };
  }

  /** Sends (or re-sends) an operation and waits for it; also used to resume after a crash. */
  carryOut(op: StatusOpRecord): Promise<StatusOpRecord> {
    const running = this.#inFlight.get(op.id);
    if (running) return running;
    const run = this.#carryOut(op).finally(() => this.#inFlight.delete(op.id));
    this.#inFlight.set(op.id, run);
    return run;
  }

  async #carryOut(listed: StatusOpRecord): Promise<StatusOpRecord> {
    const store = this.#deps.store;
    // the listing may be older than a run that just finished: act on the operation as it is now
    const op = (await store.getStatusOp(listed.id)) ?? listed;
    if (op.state === "done") return op;
    if (op.state === "failed")
      throw new StatusChangeError("CHAIN_REJECTED", `The ledger refused the change: ${op.error ?? "no reason"}`);
    const { data, certificate } = await this.#calldata(op);
    const signer = await this.#deps.signerFor(certificate.agencyId);
    let txHash = op.state === "sent" ? op.txHash : null;
    if (txHash && !(await signer.isKnown(txHash))) {
      // signed and recorded but never broadcast (a crash in between), or lost with the chain's last
      // blocks: nothing of it is on chain, so it is sent again instead of waited for
      await store.markStatusOpUnsent(op.id);
      signer.resync();
      txHash = null;
    }
    if (!txHash) {
      try {
        await signer.send({ to: this.#deps.ledger, data }, async ({ nonce, hash }) => {
          txHash = hash;
          await store.markStatusOpSent(op.id, nonce, hash);
          crashPoint("status:signed");
        });
        crashPoint("status:broadcast");
      } catch (error) {
        const decoded = decodeRevert(error);
        if (decoded) {
          await store.failStatusOp(op.id, decoded);
          throw new StatusChangeError("CHAIN_REJECTED", `The ledger refused the change: ${decoded}`);
        }
        throw error;
      }
    }
    if (!txHash) throw new Error("the transaction was not recorded");
    const receipt = await signer.waitFor(txHash, this.#options.confirmations, this.#options.receiptTimeoutMs);
    if (!receipt) {
      if (!(await signer.isKnown(txHash))) {
        await store.markStatusOpUnsent(op.id);
        signer.resync();
      }
      throw new Error(`status change ${op.id} is not confirmed yet`);
    }
    if (receipt.status !== 1) {
      await store.failStatusOp(op.id, "the transaction reverted");
      throw new StatusChangeError("CHAIN_REJECTED", "The ledger refused the change");
    }
    crashPoint("status:receipt");
    await store.completeStatusOp(op.id, {
      txHash,
      blockNumber: receipt.blockNumber,
      doneAt: this.#now(),
      status: RESULT[op.kind],
      statusReason:
        op.kind === "reinstate" ? null : (op.reason ?? (op.kind === "suspend" ? "certificateHold" : "unspecified")),
    });
    this.#deps.onChainChange?.();
    this.#deps.logger.info(
      { op: op.id, kind: op.kind, certificate: op.certificateId, tx: txHash },
      "status changed on chain",
    );
    const done = await store.getStatusOp(op.id);
    if (!done) throw new Error(`status change ${op.id} vanished`);
    return done;
  }

  /**
   * Re-applies statuses the chain lost (a local chain killed hard forgets its last blocks): every
   * certificate the service recorded as revoked or suspended must be so on chain too.
   */
  async reapplyLostStatuses(): Promise<number> {
    const ledger = ICertificateLedger__factory.connect(this.#deps.ledger, this.#deps.provider);
    const chainName = ["active", "suspended", "revoked"] as const;
    let reapplied = 0;
    for (const status of ["revoked", "suspended"] as const) {
      let after: string | undefined;
      for (;;) {
        const page = await this.#deps.store.queryCertificates({ status, limit: 200, ...(after ? { after } : {}) });
        for (const certificate of page) {
          if (certificate.batchId === null || certificate.leafIndex === null) continue;
          const batch = await this.#deps.store.getBatch(certificate.batchId);
          if (!batch) continue;
          if (this.#deps.mayUseSigner && !(await this.#deps.mayUseSigner(batch.signer))) continue;
          const [onChain] = await ledger.leafStatus(batch.agencyId, batch.root, certificate.leafIndex);
          const [batchRevokedAt] = await ledger.batchRevocation(batch.agencyId, batch.root);
          if (chainName[Number(onChain)] === status || batchRevokedAt > 0n) continue;
          const signer = (await this.#deps.signerFor(certificate.agencyId)).address;
          this.#deps.logger.warn(
            { certificate: certificate.id, status },
            "the chain lost a status change; applying it again",
          );
          if (
            await this.#reapply({
              certificateId: certificate.id,
              kind: status === "revoked" ? "revoke" : "suspend",
              reason: certificate.statusReason,
              note: certificate.statusNote,
              signer,
              requestedBy: "recovery",
              createdAt: this.#now(),
            })
          )
            reapplied++;
        }
        if (page.length < 200) break;
        after = page.at(-1)?.id;
      }
    }
    // a lost reinstatement leaves the chain saying "suspended" of a certificate recorded active
    const reinstated = new Set(
      (await this.#deps.store.listStatusOps(["done"]))
        .filter((op) => op.kind === "reinstate")
        .map((op) => op.certificateId),
    );
    for (const id of reinstated) {
      const certificate = await this.#deps.store.getCertificate(id);
      if (certificate?.status !== "active" || certificate.batchId === null || certificate.leafIndex === null) continue;
      const batch = await this.#deps.store.getBatch(certificate.batchId);
      if (!batch) continue;
      const [onChain] = await ledger.leafStatus(batch.agencyId, batch.root, certificate.leafIndex);
      if (chainName[Number(onChain)] !== "suspended") continue;
      this.#deps.logger.warn(
        { certificate: certificate.id, status: "active" },
        "the chain lost a reinstatement; applying it again",
      );
      if (
        await this.#reapply({
          certificateId: certificate.id,
          kind: "reinstate",
          reason: null,
          note: certificate.statusNote,
          signer: (await this.#deps.signerFor(certificate.agencyId)).address,
          requestedBy: "recovery",
          createdAt: this.#now(),
        })
      )
        reapplied++;
    }
    return reapplied;
  }

  /**
   * Records and carries out a change the chain lost; false when the certificate has a change still
   * unfinished, which goes first (the next start looks at the certificate again).
   */
  async #reapply(op: NewStatusOp): Promise<boolean> {
    let recorded: StatusOpRecord;
    try {
      recorded = await this.#deps.store.createStatusOp(op);
    } catch (error) {
      if (!(error instanceof StatusOpPendingError)) throw error;
      this.#deps.logger.warn(
        { certificate: op.certificateId },
        "a change of this certificate is unfinished; left to it",
      );
      return false;
    }
    await this.carryOut(recorded);
    return true;
  }

  /** Carries out every operation a crash or an outage left unfinished. */
  async resumeUnfinished(): Promise<number> {
    const unfinished = await this.#deps.store.listStatusOps([...UNFINISHED_STATUS_OP_STATES]);
    for (const op of unfinished) {
      if (this.#deps.mayUseSigner && !(await this.#deps.mayUseSigner(op.signer))) continue;
      try {
        await this.carryOut(op);
      } catch (error) {
        this.#deps.logger.warn({ err: error, op: op.id }, "status change still unfinished");
      }
    }
    return unfinished.length;
  }
}

function changePending(unfinished: StatusOpRecord | null, cause?: unknown): StatusChangeError {
  return new StatusChangeError(
    "STATUS_CHANGE_PENDING",
    `A ${unfinished?.kind ?? "change"} of this certificate is recorded and not confirmed by the chain yet; try again once it is`,
    cause === undefined ? undefined : { cause },
  );
}

function decodeRevert(error: unknown): string | null {
  const data = (error as { data?: unknown } | null)?.data;
  if (typeof data !== "string" || data === "0x") return null;
  try {
    return ledgerInterface.parseError(data)?.name ?? null;
  } catch {
    return null;
  }
}
