import { Worker } from "node:worker_threads";
import type { HolderStore } from "../holderPort.ts";
import type { Store } from "../port.ts";
import { SqliteStore } from "./sqliteStore.ts";
import {
  deserializeError,
  type StoreThreadCall,
  type StoreThreadReady,
  type StoreThreadReply,
  type StoreThreadTarget,
} from "./storeThreadProtocol.ts";

type AsyncMethodOf<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T] &
  string;

/** The Store's writes: they go to the thread's connection; every other method reads on this thread. */
const STORE_WRITES = [
  "setMeta",
  "upsertAgency",
  "insertApiKey",
  "revokeApiKey",
  "insertCertificates",
  "createBatch",
  "markBatchSent",
  "markBatchAnchored",
  "markBatchUnsent",
  "createStatusOp",
  "markStatusOpSent",
  "completeStatusOp",
  "failStatusOp",
  "markStatusOpUnsent",
  "acquireLease",
  "renewLease",
  "releaseLease",
] as const satisfies readonly AsyncMethodOf<Store>[];

const HOLDER_WRITES = [
  "putHolderAccess",
  "revokeHolderAccess",
  "insertPresentation",
  "withdrawPresentation",
  "withdrawPresentations",
  "prunePresentations",
  "insertUsageTraces",
  "pruneUsageTraces",
] as const satisfies readonly AsyncMethodOf<HolderStore>[];

/**
 * The embedded SQLite store with its writes in a worker thread (`storeThread.ts`) and its reads on
 * the caller's: `node:sqlite` is synchronous, so on one thread every insert and every commit (its
 * fsync included) held up the event loop, and under issuance SQLite was a third of the service's
 * time. The thread's connection is the only writer; this thread's connection is read-only
 * (`query_only`). WAL lets the two work at once, and a read begun after a write's promise settled
 * sees that write. Calls to the thread that arrive together still share one group commit.
 */
export async function openSqliteInThread(path: string): Promise<{ store: Store; holder: HolderStore }> {
  const thread = await StoreThread.start(path);
  let reader: SqliteStore;
  try {
    reader = SqliteStore.openReader(path);
  } catch (error) {
    await thread.close();
    throw error;
  }
  const store = composed(reader, STORE_WRITES, (method, args) =>
    thread.call("store", method, args),
  ) as unknown as Store;
  store.ping = async () => {
    await reader.ping();
    await thread.call("store", "ping", []);
  };
  store.close = async () => {
    try {
      await thread.close();
    } finally {
      await reader.close();
    }
  };
  const holder = composed(reader.holder, HOLDER_WRITES, (method, args) =>
    thread.call("holder", method, args),
  ) as unknown as HolderStore;
  return { store, holder };
}

/** `reader`'s methods, bound to it, except `writes`, which `send` carries out. */
function composed(
  reader: object,
  writes: readonly string[],
  send: (method: string, args: unknown[]) => Promise<unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const methods = reader as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(reader))) {
    const method = methods[name];
    if (name !== "constructor" && typeof method === "function") result[name] = method.bind(reader);
  }
  for (const name of writes) result[name] = (...args: unknown[]) => send(name, args);
  return result;
}

/** The worker thread and the calls awaiting its answers. */
class StoreThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  readonly #outbox: StoreThreadCall[] = [];
  /** why calls are refused: set once the thread has stopped or is stopping */
  #stopped: Error | null = null;
  readonly #exited: Promise<void>;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on("message", (replies: StoreThreadReply[]) => {
      for (const reply of replies) {
        const call = this.#pending.get(reply.id);
        if (call === undefined) continue;
        this.#settled(reply.id);
        if ("error" in reply) call.reject(deserializeError(reply.error));
        else call.resolve(reply.value);
      }
    });
    this.#exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        this.#stop(new Error(`the SQLite store's thread stopped (exit code ${code})`));
        resolve();
      });
    });
    worker.on("error", (error) => {
      this.#stop(new Error(`the SQLite store's thread failed: ${error.message}`, { cause: error }));
    });
    // idle, the thread keeps no process alive; a call in flight does (see call)
    worker.unref();
  }

  static async start(path: string): Promise<StoreThread> {
    const worker = new Worker(new URL("./storeThread.ts", import.meta.url), { workerData: { path } });
    // only these listeners go afterwards: the Worker keeps its own on itself
    const ready = await new Promise<StoreThreadReady>((resolve, reject) => {
      const exited = (code: number) => {
        reject(new Error(`the SQLite store's thread stopped before opening the store (exit code ${code})`));
      };
      worker.once("message", (message: StoreThreadReady) => {
        worker.off("error", reject);
        worker.off("exit", exited);
        resolve(message);
      });
      worker.once("error", reject);
      worker.once("exit", exited);
    });
    if (!ready.ready) {
      await worker.terminate();
      throw deserializeError(ready.error);
    }
    return new StoreThread(worker);
  }

  call(target: StoreThreadTarget, method: string, args: unknown[]): Promise<unknown> {
    if (this.#stopped !== null) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#outbox.push({ id, target, method, args });
      if (this.#outbox.length === 1) setImmediate(this.#flush);
    });
  }

  /**
   * Posts the calls made since the loop last came round as one message: the thread runs them
   * together, so their writes share one commit (posted one by one, each found the thread idle
   * and committed alone, an fsync apiece).
   */
  readonly #flush = (): void => {
    // close flushes at once, and the turn's scheduled flush then finds nothing left to post
    if (this.#outbox.length > 0) this.#worker.postMessage(this.#outbox.splice(0));
  };

  /** Lets the calls in flight finish, then closes the store and ends the thread. */
  async close(): Promise<void> {
    if (this.#stopped === null) {
      this.#stopped = new Error("the store is closed");
      this.#worker.ref();
      this.#flush();
      this.#worker.postMessage("close");
    }
    await this.#exited;
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
  }

  #stop(reason: Error): void {
    this.#stopped ??= reason;
    for (const [id, call] of this.#pending) {
      this.#settled(id);
      call.reject(reason);
    }
  }
}
