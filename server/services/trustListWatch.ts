import { watchFile, unwatchFile, type Stats } from "node:fs";
import type { Logger } from "pino";
import type { TrustListConfig } from "../config/loadConfig.ts";
import type { TrustedDeployment } from "../core/trust/deployments.ts";
import { loadTrustListFile } from "./trustListFile.ts";

/** How often the file's size and modification time are compared (stat polling, see below). */
const DEFAULT_POLL_MS = 1000;

/** What the service holds of a list: a fixed one (given in code, not a file) has no validity period. */
export interface ListInForce {
  deployments: readonly TrustedDeployment[];
  issuedAt: string | null;
  expiresAt: string | null;
}

export interface TrustListState {
  /** the list in force, null when none is configured */
  list: ListInForce | null;
  file: string | null;
  /** why the last change of the file was not taken (the previous list stays in force) */
  refused: string | null;
  /** the list's expiresAt is past: its deployments are no longer recognised */
  expired: boolean;
}

/**
 * The service's trust list, kept current: loaded at start (a bad one refuses the start), then
 * reloaded whenever the file changes. Stat polling rather than fs.watch: it sees a file replaced
 * by rename (editors, `mv`, Kubernetes ConfigMap symlink swaps) as well as one written in place,
 * on every filesystem, where fs.watch loses the inode or misses events. A changed file that fails
 * its checks is refused and logged; the list in force stays until it expires, after which none
 * of its deployments is recognised (fail closed, as a verifier with a stale trust list should).
 */
export class TrustListWatch {
  #list: ListInForce | null;
  #refused: string | null = null;
  readonly #config: TrustListConfig | undefined;
  readonly #now: () => Date;
  readonly #logger: Logger | undefined;
  #listener: ((current: Stats, previous: Stats) => void) | null = null;
  #reloading: Promise<void> = Promise.resolve();

  private constructor(
    config: TrustListConfig | undefined,
    list: ListInForce | null,
    options: { now: () => Date; logger?: Logger },
  ) {
    this.#config = config;
    this.#list = list;
    this.#now = options.now;
    this.#logger = options.logger;
  }

  /** Loads the configured list (throws TrustListFileError naming the problem); none configured: an empty watch. */
  static async open(
    config: TrustListConfig | undefined,
    options: { now?: () => Date; logger?: Logger } = {},
  ): Promise<TrustListWatch> {
    const now = options.now ?? (() => new Date());
    const list = config
      ? await loadTrustListFile(config, { now: now(), ...(options.logger ? { logger: options.logger } : {}) })
      : null;
    return new TrustListWatch(config, list, { now, ...(options.logger ? { logger: options.logger } : {}) });
  }

  /** A fixed list, for tests and callers that pass deployments directly. */
  static fixed(deployments: readonly TrustedDeployment[]): TrustListWatch {
    return new TrustListWatch(
      undefined,
      deployments.length === 0 ? null : { deployments: [...deployments], issuedAt: null, expiresAt: null },
      { now: () => new Date() },
    );
  }

  /** Starts watching the file for changes. */
  start(pollMs = DEFAULT_POLL_MS): void {
    const config = this.#config;
    if (!config || this.#listener) return;
    this.#listener = (current, previous) => {
      if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino)
        return;
      this.#reloading = this.#reloading.then(() => this.reload());
    };
    watchFile(config.file, { interval: pollMs, persistent: false }, this.#listener);
  }

  stop(): void {
    if (this.#config && this.#listener) unwatchFile(this.#config.file, this.#listener);
    this.#listener = null;
  }

  /** Reads the file again; a list that fails its checks is refused and the one in force kept. */
  async reload(): Promise<void> {
    const config = this.#config;
    if (!config) return;
    try {
      const list = await loadTrustListFile(config, { now: this.#now() });
      this.#list = list;
      this.#refused = null;
      this.#logger?.info(
        { deployments: list.deployments.length, expiresAt: list.expiresAt },
        "trust list reloaded after the file changed",
      );
    } catch (error) {
      this.#refused = (error as Error).message;
      this.#logger?.error(
        { err: error },
        "the changed trust list is refused; the list in force stays until it expires",
      );
    }
  }

  /** The deployments recognised now: none once the list has expired. */
  deployments(): readonly TrustedDeployment[] {
    const list = this.#list;
    if (!list || this.#isExpired(list)) return [];
    return list.deployments;
  }

  state(): TrustListState {
    return {
      list: this.#list,
      file: this.#config?.file ?? null,
      refused: this.#refused,
      expired: this.#list !== null && this.#isExpired(this.#list),
    };
  }

  #isExpired(list: ListInForce): boolean {
    return list.expiresAt !== null && this.#now().getTime() >= Date.parse(list.expiresAt);
  }
}
