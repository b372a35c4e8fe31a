import { randomUUID } from "node:crypto";
import { encodeTime } from "ulid";
import type { HolderStore, UsageChannel, UsageTraceRecord } from "../../store/holderPort.ts";

const DAY_MS = 86_400_000;
const MAX_LISTED = 500;
/**
 * Traces are written in batches at most this late: one durable commit per verification would
 * put a disk flush on the hottest route. A crash loses at most this much of the record.
 */
const FLUSH_DELAY_MS = 1000;
const FLUSH_SIZE = 500;

export interface UsageTraceDeps {
  holderStore: HolderStore;
  now: () => Date;
  /** how long a trace is kept */
  retentionDays: number;
}

/**
 * A trace's key, never looked up by a caller: its time first (a ULID's time part), so each batch of
 * traces lands at the end of the key's index instead of on a random page of it (a flush of 500 into
 * a store of 133,000 traces took 12 ms rather than 32), then a random UUID, which Node draws from a
 * cached pool (`randomBytes` per trace was about 4% of a QR scan's CPU, profiled).
 */
const traceId = (at: Date): string => `${encodeTime(at.getTime())}${randomUUID()}`;

/**
 * When and how each certificate was verified, for its holder: time, channel and verdict, never
 * who asked (no address, no user agent). Traces older than the retention period are neither
 * listed nor kept.
 */
export class UsageTraces {
  readonly #deps: UsageTraceDeps;
  #pending: UsageTraceRecord[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(deps: UsageTraceDeps) {
    this.#deps = deps;
  }

  get retentionDays(): number {
    return this.#deps.retentionDays;
  }

  #cutoff(): string {
    return new Date(this.#deps.now().getTime() - this.#deps.retentionDays * DAY_MS).toISOString();
  }

  /** Queues a trace; it is stored within a second (or at once when many are waiting). */
  async record(
    certificateId: string,
    channel: UsageChannel,
    status: string,
    presentationId: string | null = null,
  ): Promise<void> {
    const now = this.#deps.now();
    this.#pending.push({
      id: traceId(now),
      certificateId,
      at: now.toISOString(),
      channel,
      status,
      presentationId,
    });
    if (this.#pending.length >= FLUSH_SIZE) await this.flush();
    else if (this.#timer === null && !this.#stopped) {
      this.#timer = setTimeout(() => {
        this.flush().catch(() => {
          // the traces stay queued and go with the next flush
        });
      }, FLUSH_DELAY_MS);
      this.#timer.unref();
    }
  }

  /** Stores every queued trace. */
  async flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    try {
      await this.#deps.holderStore.insertUsageTraces(batch);
    } catch (error) {
      this.#pending = batch.concat(this.#pending);
      throw error;
    }
  }

  /** Stores what is queued and queues no more timers: call before closing the store. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.flush();
  }

  async list(certificateId: string): Promise<UsageTraceRecord[]> {
    await this.flush();
    return this.#deps.holderStore.listUsageTraces(certificateId, this.#cutoff(), MAX_LISTED);
  }

  /** Deletes what is past retention, and presentations that ended more than a day ago. */
  async prune(): Promise<{ traces: number; presentations: number }> {
    await this.flush();
    const traces = await this.#deps.holderStore.pruneUsageTraces(this.#cutoff());
    const presentations = await this.#deps.holderStore.prunePresentations(
      new Date(this.#deps.now().getTime() - DAY_MS).toISOString(),
    );
    return { traces, presentations };
  }
}
