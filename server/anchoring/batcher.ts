import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
import type { Store } from "../store/port.ts";
import type { BatchRecord } from "../store/records.ts";
import type { AnchorService } from "./anchorService.ts";

export interface BatcherOptions {
  batchSize: number;
  maxAgeMs: number;
  /** how often pending groups are looked at when nothing wakes the batcher */
  pollMs: number;
}

/** Which batches this replica may anchor now: those of officer keys whose lease it holds. */
export interface AnchoringGate {
  mayAnchorFor(agencyId: number): Promise<boolean>;
  mayUseSigner(signer: string): Promise<boolean>;
}

/**
 * Groups pending certificates per (agency, type) into batches: a group is cut when it reaches
 * `batchSize` or its oldest certificate is `maxAgeMs` old. One loop, so batches of a signer are
 * prepared in order; the anchor service does the chain work.
 */
export class Batcher {
  readonly #store: Store;
  readonly #anchors: AnchorService;
  readonly #options: BatcherOptions;
  readonly #logger: Logger;
  readonly #clock: () => Date;
  readonly #metrics: Metrics | undefined;
  readonly #gate: AnchoringGate | undefined;
  readonly #afterRound: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = true;

  constructor(
    deps: {
      store: Store;
      anchors: AnchorService;
      logger: Logger;
      clock?: () => Date;
      metrics?: Metrics;
      /** replicas: only the batches of officer keys this replica holds; absent: every batch */
      gate?: AnchoringGate;
      /** more outbox work on the same loop (status changes recorded by other replicas) */
      afterRound?: () => Promise<void>;
    },
    options: BatcherOptions,
  ) {
    this.#metrics = deps.metrics;
    this.#gate = deps.gate;
    this.#afterRound = deps.afterRound;
    this.#store = deps.store;
    this.#anchors = deps.anchors;
    this.#logger = deps.logger;
    this.#clock = deps.clock ?? (() => new Date());
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Something was issued: look now rather than at the next poll. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#tick().finally(() => {
        this.#running = null;
        const again = this.#again;
        this.#again = false;
        this.#schedule(again ? 0 : this.#options.pollMs);
      });
    }, delayMs);
  }

  async #tick(): Promise<void> {
    try {
      await this.runOnce();
    } catch (error) {
      this.#logger.warn({ err: error }, "batching round failed; will retry");
    }
  }

  /** Cuts every batch that is due and anchors it; returns the batches it anchored. */
  async runOnce(options: { flushAll?: boolean } = {}): Promise<BatchRecord[]> {
    const anchored: BatchRecord[] = [];
    for (const unfinished of await this.#store.listBatches(["prepared", "sent"])) {
      if (this.#gate && !(await this.#gate.mayUseSigner(unfinished.signer))) continue;
      anchored.push(await this.#anchors.resume(unfinished));
      this.#metrics?.batchesAnchored.inc();
    }
    const now = this.#clock().getTime();
    for (const group of await this.#store.pendingGroups()) {
      if (this.#gate && !(await this.#gate.mayAnchorFor(group.agencyId))) continue;
      let remaining = group.count;
      const due = options.flushAll === true || now - Date.parse(group.oldestCreatedAt) >= this.#options.maxAgeMs;
      // A batch's confirmation (its receipt, then every member's proof written) overlaps cutting and
      // sending the next one: sends stay in order, one at a time (the signer queue), and so do
      // confirmations. At most two batches are out at once, one being confirmed and the next sent;
      // a crash leaves both in the outbox, which `resume` finishes. A batch is sent only once the
      // last send returned, so nonces stay contiguous.
      let confirming: Promise<void> | null = null;
      try {
        while (remaining > 0 && (remaining >= this.#options.batchSize || due)) {
          const members = await this.#store.takePending(group.agencyId, group.typeId, this.#options.batchSize);
          if (members.length === 0) break;
          const sent = await this.#anchors.send(await this.#anchors.prepare(group.agencyId, group.typeId, members));
          if (confirming) await confirming;
          confirming = this.#anchors.confirm(sent).then((batch) => {
            anchored.push(batch);
            this.#observe(members.map((m) => m.createdAt));
          });
          // a failed confirmation is thrown where it is awaited, never left unhandled in between
          confirming.catch(() => undefined);
          remaining -= members.length;
        }
      } finally {
        // nothing of this round runs on after it, whatever failed
        if (confirming) await confirming.catch(() => undefined);
      }
      if (confirming) await confirming;
    }
    await this.#afterRound?.();
    return anchored;
  }

  #observe(createdAt: readonly string[]): void {
    if (!this.#metrics) return;
    this.#metrics.batchesAnchored.inc();
    const now = this.#clock().getTime();
    for (const at of createdAt) this.#metrics.anchorLatency.observe((now - Date.parse(at)) / 1000);
  }
}
