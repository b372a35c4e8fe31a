import { isError, type Provider } from "ethers";
import type { Logger } from "pino";
import { z } from "zod";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import type { OfficerQueue } from "../chain/signerQueue.ts";
import { crashPoint } from "./crashPoints.ts";
import type { Store } from "../store/port.ts";
import type { BatchRecord, CertificateSummary } from "../store/records.ts";

/** The Merkle tree of one batch, as the core builds it. */
export interface BatchTree {
  root: string;
  proof(index: number): string[];
}

export interface AnchorServiceDeps {
  store: Store;
  provider: Provider;
  ledger: string;
  chainId: number;
  /** the block the contracts were deployed in: no anchor can be older */
  deploymentBlock: number;
  /** the signing queue of an agency's officer key */
  signerFor(agencyId: number): Promise<OfficerQueue>;
  buildTree(leaves: readonly string[]): BatchTree;
  /**
   * told once the chain holds something new or a batch is to be sent again (verification caches
   * drop their answers, certificate counts are taken again)
   */
  onChainChange?: () => void;
  logger: Logger;
  clock?: () => Date;
}

export interface AnchorServiceOptions {
  confirmations: number;
  /** how long to wait for a receipt before looking again (the chain may be slow or down) */
  receiptTimeoutMs: number;
  /** blocks per eth_getLogs request when looking for an anchor (providers cap block ranges) */
  logBlockRange?: number;
}

/** Anchored batches checked against the chain at once on start: ethers' largest JSON-RPC batch. */
const RECOVERY_CHECKS_AT_ONCE = 100;

/** Meta key of the block through which every anchored batch was last found on chain. */
const VERIFIED_THROUGH = "anchors.verifiedThrough";
const VerifiedThroughSchema = z.strictObject({ block: z.int().nonnegative(), hash: z.string() });

/** The JSON value of `text`, or undefined when it is not JSON. */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** As the audit indexer's default: what public providers accept per eth_getLogs request. */
const DEFAULT_LOG_BLOCK_RANGE = 2000;

/** A batch the chain holds for our agency, but anchored by a key that is not the batch's signer. */
export class ForeignAnchorError extends Error {
  readonly code = "FOREIGN_ANCHOR";

  constructor(message: string) {
    super(message);
    this.name = "ForeignAnchorError";
  }
}

const ledgerInterface = ICertificateLedger__factory.createInterface();

/** Custom errors the ledger may revert with, by name, when ethers could decode them. */
function revertName(error: unknown): string | null {
  if (!isError(error, "CALL_EXCEPTION") || !error.data) return null;
  try {
    return ledgerInterface.parseError(error.data)?.name ?? null;
  } catch {
    return null;
  }
}

/**
 * Anchors prepared batches: one `anchor` transaction per batch, signed by the agency's officer key.
 * Anchoring nothing twice does not rest on this code alone: the ledger refuses a root the agency
 * already has. That refusal is taken as "already anchored" only once the chain shows the batch was
 * anchored by this agency with the batch's own officer key; anything else is an error, never success.
 */
export class AnchorService {
  readonly #deps: AnchorServiceDeps;
  readonly #options: AnchorServiceOptions;
  readonly #ledger;
  /** trees of batches prepared by this process, by root, so confirming need not build them again */
  readonly #prepared = new Map<string, BatchTree>();

  constructor(deps: AnchorServiceDeps, options: AnchorServiceOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#ledger = ICertificateLedger__factory.connect(deps.ledger, deps.provider);
  }

  #now(): Date {
    return (this.#deps.clock ?? (() => new Date()))();
  }

  /** Builds the tree of `members` (in this order) and records the batch before any transaction. */
  async prepare(agencyId: number, typeId: number, members: readonly CertificateSummary[]): Promise<BatchRecord> {
    const tree = this.#deps.buildTree(members.map((m) => m.leaf));
    const signer = await this.#deps.signerFor(agencyId);
    const batch = await this.#deps.store.createBatch({
      agencyId,
      typeId,
      root: tree.root,
      signer: signer.address,
      createdAt: this.#now().toISOString(),
      members: members.map((m) => m.id),
    });
    this.#prepared.set(batch.root, tree);
    return batch;
  }

  /** Sends the batch's anchor transaction (unless the chain has its root already), then confirms it. */
  async anchor(batch: BatchRecord): Promise<BatchRecord> {
    const sent = await this.send(batch);
    return this.confirm(sent);
  }

  async send(batch: BatchRecord): Promise<BatchRecord> {
    const store = this.#deps.store;
    const signer = await this.#deps.signerFor(batch.agencyId);
    const data = ledgerInterface.encodeFunctionData("anchor", [batch.root, batch.typeId, batch.size]);
    if (signer.address.toLowerCase() !== batch.signer.toLowerCase()) {
      throw new ForeignAnchorError(
        `batch ${batch.id} was prepared for key ${batch.signer}, the agency now signs with ${signer.address}`,
      );
    }
    try {
      await signer.send({ to: this.#deps.ledger, data }, async ({ nonce, hash }) => {
        await store.markBatchSent(batch.id, nonce, hash);
        crashPoint("anchor:signed");
      });
      crashPoint("anchor:broadcast");
    } catch (error) {
      if (revertName(error) !== "CertificateLedgerRootExists") throw error;
      this.#deps.logger.info(
        { batch: batch.id, root: batch.root },
        "root already on chain for this agency; checking who anchored it",
      );
    }
    return (await store.getBatch(batch.id)) ?? batch;
  }

  /** Waits for the anchoring transaction and records every member's proof. */
  async confirm(batch: BatchRecord): Promise<BatchRecord> {
    const store = this.#deps.store;
    const anchored = await this.#findAnchor(batch);
    if (!anchored) throw new Error(`batch ${batch.id} is not on chain yet`);
    crashPoint("anchor:receipt");
    const members = await store.batchLeaves(batch.id);
    // after a restart the tree is rebuilt from the stored leaves, which must still give the root
    const tree = this.#prepared.get(batch.root) ?? this.#deps.buildTree(members.map((m) => m.leaf));
    if (tree.root !== batch.root) throw new Error(`batch ${batch.id}: members no longer hash to the recorded root`);
    await store.markBatchAnchored(batch.id, {
      txHash: anchored.txHash,
      blockNumber: anchored.blockNumber,
      anchoredAt: anchored.at,
      chainId: this.#deps.chainId,
      ledger: this.#deps.ledger,
      proofs: members.map((m, index) => ({ id: m.id, proof: tree.proof(index) })),
    });
    this.#prepared.delete(batch.root);
    this.#deps.onChainChange?.();
    this.#deps.logger.info({ batch: batch.id, size: batch.size, tx: anchored.txHash }, "batch anchored");
    return (await store.getBatch(batch.id)) ?? batch;
  }

  /** The anchoring transaction of the batch: the one we sent if it was mined, else the chain's event. */
  async #findAnchor(batch: BatchRecord): Promise<{ txHash: string; blockNumber: number; at: string } | null> {
    const signer = await this.#deps.signerFor(batch.agencyId);
    let reverted: string | null = null;
    if (batch.txHash) {
      const receipt = await signer.waitFor(batch.txHash, this.#options.confirmations, this.#options.receiptTimeoutMs);
      if (receipt?.status === 1) {
        const block = await receipt.getBlock();
        return {
          txHash: receipt.hash,
          blockNumber: receipt.blockNumber,
          at: new Date(block.timestamp * 1000).toISOString(),
        };
      }
      if (receipt?.status === 0) reverted = receipt.hash;
    }
    const log = await this.#anchorLog(batch);
    if (!log && reverted) {
      throw new Error(
        `batch ${batch.id}: its transaction ${reverted} was refused on chain (reverted); the next round signs and sends it again`,
      );
    }
    if (!log) return null;
    const block = await log.getBlock();
    return {
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      at: new Date(block.timestamp * 1000).toISOString(),
    };
  }

  /**
   * The BatchAnchored event of (agency, root), searched from the deployment block in bounded ranges
   * (providers refuse one eth_getLogs over the whole chain). Refuses one signed by another key.
   */
  async #anchorLog(batch: BatchRecord) {
    const filter = this.#ledger.filters.BatchAnchored(batch.root, batch.agencyId);
    const range = this.#options.logBlockRange ?? DEFAULT_LOG_BLOCK_RANGE;
    const head = await this.#deps.provider.getBlockNumber();
    for (let from = this.#deps.deploymentBlock; from <= head; from += range) {
      const [log] = await this.#ledger.queryFilter(filter, from, Math.min(from + range - 1, head));
      if (!log) continue;
      this.#requireOwnOfficer(batch, log.args.officer);
      return log;
    }
    return null;
  }

  #requireOwnOfficer(batch: BatchRecord, officer: string): void {
    if (officer.toLowerCase() === batch.signer.toLowerCase()) return;
    throw new ForeignAnchorError(
      `batch ${batch.id}: agency ${batch.agencyId} holds root ${batch.root} anchored by ${officer}, not by this service's key ${batch.signer}`,
    );
  }

  /** Whether the ledger holds the batch for its agency now, anchored by the batch's own key. */
  async isOnChain(batch: BatchRecord): Promise<boolean> {
    const record = await this.#ledger.batch(batch.agencyId, batch.root);
    if (record.officer === "0x0000000000000000000000000000000000000000") return false;
    this.#requireOwnOfficer(batch, record.officer);
    return true;
  }

  /**
   * Finishes a batch that is not anchored yet, whatever interrupted it (a crash, a chain that was
   * down): confirms it if the chain has its root, waits if its transaction is still pending,
   * otherwise sends it again.
   */
  async resume(batch: BatchRecord): Promise<BatchRecord> {
    if (await this.isOnChain(batch)) return this.confirm(batch);
    if (batch.state === "sent" && batch.txHash) {
      const receipt = await this.#deps.provider.getTransactionReceipt(batch.txHash);
      if (receipt?.status === 0) {
        // mined but refused (in the relayer mode: a delegated signature past its deadline or whose
        // nonce was used meanwhile): waiting for it would loop for ever; a fresh send signs afresh
        this.#deps.logger.error(
          { batch: batch.id, root: batch.root, tx: batch.txHash },
          "anchoring transaction refused on chain (reverted); signing and sending the batch again",
        );
      } else if (receipt || (await this.#deps.provider.getTransaction(batch.txHash))) {
        return this.confirm(batch);
      }
    }
    if (batch.state !== "prepared") {
      this.#deps.logger.warn(
        { batch: batch.id, root: batch.root, state: batch.state },
        "batch root not on chain; sending it again",
      );
      await this.#deps.store.markBatchUnsent(batch.id);
      // an anchored batch the chain lost: its certificates are pending again, and nothing verified
      // against the lost blocks holds (for a batch only sent this costs one count and cache refill)
      this.#deps.onChainChange?.();
      (await this.#deps.signerFor(batch.agencyId)).resync();
    }
    const fresh = (await this.#deps.store.getBatch(batch.id)) ?? batch;
    return this.anchor(fresh);
  }

  /**
   * On start, beyond what `resume` does for unfinished batches: never assume the chain kept what it
   * once confirmed (a local chain killed hard loses its last blocks). Anchored batches whose root is
   * gone are sent again (by the replica holding their officer key); the same root cannot be anchored twice.
   *
   * Once every anchored batch was found on chain, the head block of that moment is remembered with
   * its hash. While the chain still has that very block, it has every block before it too (each
   * names its parent's hash), so the next start checks only the batches anchored in later blocks
   * instead of all of them: a store of a million certificates is a thousand batches, seconds of
   * every start one round trip each. Batches are checked a hundred at a time (one JSON-RPC batch).
   */
  async recoverAnchored(
    mayUseSigner: (signer: string) => Promise<boolean> = () => Promise.resolve(true),
  ): Promise<number> {
    const head = await this.#deps.provider.getBlock("latest");
    const through = await this.#verifiedThrough();
    const unchecked = (await this.#deps.store.listBatches(["anchored"])).filter(
      (batch) => through === null || batch.blockNumber === null || batch.blockNumber > through,
    );
    // asked once per officer key, not once per batch: the first answer may take its lease
    const allowed = new Map<string, Promise<boolean>>();
    const mayUse = (signer: string): Promise<boolean> => {
      const known = allowed.get(signer);
      if (known) return known;
      const asked = mayUseSigner(signer);
      allowed.set(signer, asked);
      return asked;
    };
    let resent = 0;
    let skipped = false;
    for (let i = 0; i < unchecked.length; i += RECOVERY_CHECKS_AT_ONCE) {
      const checked = await Promise.all(
        unchecked.slice(i, i + RECOVERY_CHECKS_AT_ONCE).map(async (batch) => ({
          batch,
          onChain: (await mayUse(batch.signer)) ? await this.isOnChain(batch) : null,
        })),
      );
      for (const { batch, onChain } of checked) {
        skipped ||= onChain === null;
        if (onChain !== false) continue;
        await this.resume(batch);
        resent++;
      }
    }
    // a batch this replica may not check (another holds its key) must be checked again by its holder
    if (!skipped && head?.hash)
      await this.#deps.store.setMeta(VERIFIED_THROUGH, JSON.stringify({ block: head.number, hash: head.hash }));
    return resent;
  }

  /**
   * The block every anchored batch up to which was on chain, if the chain still has that very block.
   * A value that cannot be read (a damaged database, a hand edit) only costs checking every batch.
   */
  async #verifiedThrough(): Promise<number | null> {
    const stored = await this.#deps.store.getMeta(VERIFIED_THROUGH);
    if (stored === null) return null;
    const recorded = VerifiedThroughSchema.safeParse(parsedOrUndefined(stored));
    if (!recorded.success) {
      this.#deps.logger.warn(
        { key: VERIFIED_THROUGH },
        "the block through which anchored batches were last found on chain is unreadable; checking every anchored batch",
      );
      return null;
    }
    const block = await this.#deps.provider.getBlock(recorded.data.block);
    return block?.hash === recorded.data.hash ? recorded.data.block : null;
  }
}
