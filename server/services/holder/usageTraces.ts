import type { HolderStore, UsageChannel, UsageTraceRecord } from "../../store/holderPort.ts";
import { newRecordId } from "./secrets.ts";

const DAY_MS = 86_400_000;
const MAX_LISTED = 500;

export interface UsageTraceDeps {
  holderStore: HolderStore;
  now: () => Date;
  /** how long a trace is kept */
  retentionDays: number;
}

/**
 * When and how each certificate was verified, for its holder: time, channel and verdict, never
 * who asked (no address, no user agent). Traces older than the retention period are neither
 * listed nor kept.
 */
export class UsageTraces {
  readonly #deps: UsageTraceDeps;

  constructor(deps: UsageTraceDeps) {
    this.#deps = deps;
  }

  get retentionDays(): number {
    return this.#deps.retentionDays;
  }

  #cutoff(): string {
    return new Date(this.#deps.now().getTime() - this.#deps.retentionDays * DAY_MS).toISOString();
  }

  async record(certificateId: string, channel: UsageChannel, status: string, presentationId: string | null = null): Promise<void> {
    await this.#deps.holderStore.insertUsageTrace({
      id: newRecordId(),
      certificateId,
      at: this.#deps.now().toISOString(),
      channel,
      status,
      presentationId,
    });
  }

  list(certificateId: string): Promise<UsageTraceRecord[]> {
    return this.#deps.holderStore.listUsageTraces(certificateId, this.#cutoff(), MAX_LISTED);
  }

  /** Deletes what is past retention, and presentations that ended more than a day ago. */
  async prune(): Promise<{ traces: number; presentations: number }> {
    const traces = await this.#deps.holderStore.pruneUsageTraces(this.#cutoff());
    const presentations = await this.#deps.holderStore.prunePresentations(new Date(this.#deps.now().getTime() - DAY_MS).toISOString());
    return { traces, presentations };
  }
}
