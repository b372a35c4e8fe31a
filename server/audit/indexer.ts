import type { Provider } from "ethers";
import type { Logger } from "pino";
import { isChainUnavailable } from "../chain/provider.ts";
import type { AuditIndex, BlockRef } from "./auditIndex.ts";
import type { AuditEvent } from "./events.ts";
import { decodeLog } from "./logDecoder.ts";

export interface IndexerDeployment {
  chainId: number;
  ledger: string;
  registry: string;
  /** the first block scanned: the registry's deployment */
  deploymentBlock: number;
}

export interface IndexerOptions {
  /** blocks per eth_getLogs request (providers cap results per request) */
  blockRange: number;
  /**
   * Only blocks at or below head - confirmations are indexed. 0 suits a local chain, which never
   * reorganises by itself; a public chain wants its finality depth. Reorganisations of indexed
   * blocks are detected and rolled back whatever this is.
   */
  confirmations: number;
  /** how often the in-service loop looks for new blocks */
  pollMs: number;
  /** how many recent blocks keep their hash for reorganisation checks */
  guardWindow: number;
}

export const DEFAULT_INDEXER_OPTIONS: IndexerOptions = {
  blockRange: 2000,
  confirmations: 0,
  pollMs: 1000,
  guardWindow: 1024,
};

export class IndexerError extends Error {
  readonly code: "REORG_DURING_SCAN";

  constructor(code: IndexerError["code"], message: string) {
    super(message);
    this.name = "IndexerError";
    this.code = code;
  }
}

export interface IndexRound {
  /** the last block indexed after the round, null when none is yet */
  indexedThrough: number | null;
  /** events added in this round */
  added: number;
  /** set when a reorganisation was found: the last block still on the chain, and what was dropped */
  reorg: { forkBlock: number; removedEvents: number } | null;
}

const BLOCK_FETCH_CONCURRENCY = 8;

/**
 * Reads every event of the registry and the ledger into the audit index: bounded ranges, a cursor
 * committed with each range (a restart resumes after the last range), and on each round a check
 * that the newest indexed block is still on the chain, rolling back to the fork point when not.
 */
export class ChainIndexer {
  readonly #provider: Provider;
  readonly #index: AuditIndex;
  readonly #deployment: IndexerDeployment;
  readonly #options: IndexerOptions;
  readonly #logger: Logger | null;
  #tail: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(
    deps: { provider: Provider; index: AuditIndex; deployment: IndexerDeployment; logger?: Logger },
    options: Partial<IndexerOptions> = {},
  ) {
    this.#provider = deps.provider;
    this.#index = deps.index;
    this.#deployment = deps.deployment;
    this.#options = { ...DEFAULT_INDEXER_OPTIONS, ...options };
    this.#logger = deps.logger ?? null;
  }

  get options(): Readonly<IndexerOptions> {
    return this.#options;
  }

  /** One round: reorganisation check, then every range up to head - confirmations. Rounds never overlap. */
  syncOnce(): Promise<IndexRound> {
    const round = this.#tail.then(
      () => this.#round(),
      () => this.#round(),
    );
    this.#tail = round.catch(() => undefined);
    return round;
  }

  /** Polls in the background until `stop()`; failures are logged and retried on the next tick. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const tick = (): void => {
      this.syncOnce()
        .then((round) => {
          if (round.reorg) this.#logger?.warn(round.reorg, "chain reorganisation: audit index rolled back and re-read");
        })
        .catch((error: unknown) => {
          if (isChainUnavailable(error)) this.#logger?.debug("audit indexer: chain unavailable, retrying");
          else this.#logger?.warn({ err: error }, "audit indexer round failed, retrying");
        })
        .finally(() => {
          if (this.#running) this.#timer = setTimeout(tick, this.#options.pollMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#tail;
  }

  async #round(): Promise<IndexRound> {
    this.#index.bind(this.#deployment);
    const reorg = await this.#checkReorg();
    const head = await this.#provider.getBlockNumber();
    const target = head - this.#options.confirmations;
    let from = this.#index.nextBlock() ?? this.#deployment.deploymentBlock;
    let added = 0;
    while (from <= target) {
      const to = Math.min(from + this.#options.blockRange - 1, target);
      added += await this.#scan(from, to);
      from = to + 1;
    }
    return { indexedThrough: this.#index.indexedThrough(), added, reorg };
  }

  /** Walks the guard hashes down from the newest until one still matches the chain. */
  async #checkReorg(): Promise<IndexRound["reorg"]> {
    let mismatch = false;
    let forkBlock: number | null = null;
    for (const guard of this.#index.guardBlocks()) {
      const block = await this.#provider.getBlock(guard.number);
      if (block?.hash === guard.hash) {
        forkBlock = guard.number;
        break;
      }
      mismatch = true;
    }
    if (!mismatch) return null;
    // deeper than the guard window: start over, the index is only a cache
    const keep = forkBlock ?? this.#deployment.deploymentBlock - 1;
    const removedEvents = this.#index.rollbackAbove(keep);
    return { forkBlock: keep, removedEvents };
  }

  async #scan(from: number, to: number): Promise<number> {
    const { ledger, registry } = this.#deployment;
    const logs = (await this.#provider.getLogs({ address: [ledger, registry], fromBlock: from, toBlock: to }))
      .filter((log) => !log.removed)
      .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    const blocks = await this.#blocks([...new Set([...logs.map((l) => l.blockNumber), to])]);
    const events: AuditEvent[] = [];
    for (const log of logs) {
      const decoded = decodeLog(log, { ledger, registry });
      if (!decoded) continue;
      const block = blocks.get(log.blockNumber);
      if (block?.hash !== log.blockHash) {
        throw new IndexerError(
          "REORG_DURING_SCAN",
          `block ${log.blockNumber} changed while it was read; the next round re-reads it`,
        );
      }
      events.push({ ...decoded, blockTime: block.time });
    }
    this.#index.commitRange({ events, blocks: [...blocks.values()], nextBlock: to + 1 });
    this.#index.pruneGuards(to, this.#options.guardWindow);
    return events.length;
  }

  async #blocks(numbers: number[]): Promise<Map<number, BlockRef>> {
    const found = new Map<number, BlockRef>();
    for (let i = 0; i < numbers.length; i += BLOCK_FETCH_CONCURRENCY) {
      const chunk = numbers.slice(i, i + BLOCK_FETCH_CONCURRENCY);
      const blocks = await Promise.all(chunk.map((n) => this.#provider.getBlock(n)));
      blocks.forEach((block, j) => {
        const n = chunk[j];
        if (!block?.hash || n === undefined) {
          throw new IndexerError("REORG_DURING_SCAN", `block ${String(n)} vanished while it was read`);
        }
        found.set(n, { number: n, hash: block.hash, time: block.timestamp });
      });
    }
    return found;
  }
}
