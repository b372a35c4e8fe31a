// The writer of WorkerSqliteStore, in a worker thread of its own: opens (and migrates) the SQLite
// store at workerData.path and runs the calls posted to it, so SQLite's writes and commits take
// none of the service's event loop.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { SqliteStore } from "./sqliteStore.ts";
import {
  serializeError,
  type StoreThreadCall,
  type StoreThreadReady,
  type StoreThreadReply,
} from "./storeThreadProtocol.ts";

const port = parentPort;
if (port === null) throw new Error("storeThread.ts runs as a worker thread");

function openStore(path: string): SqliteStore | null {
  try {
    return SqliteStore.open(path);
  } catch (error) {
    // reported as a message, then the thread ends quietly: the opener rethrows it as its own
    port?.postMessage({ ready: false, error: serializeError(error) } satisfies StoreThreadReady);
    return null;
  }
}

const store = openStore((workerData as { path: string }).path);
if (store === null) {
  port.close();
} else {
  port.postMessage({ ready: true } satisfies StoreThreadReady);
  serve(store, port);
}

function serve(store: SqliteStore, port: MessagePort): void {
  /** calls begun and not yet answered: closing waits for them */
  const inFlight = new Set<Promise<void>>();
  /** answers not yet posted: those settled together (one group commit's) go as one message */
  const answers: StoreThreadReply[] = [];
  const postAnswers = (): void => {
    if (answers.length > 0) port.postMessage(answers.splice(0));
  };
  const answer = (message: StoreThreadReply): void => {
    answers.push(message);
    if (answers.length === 1) setImmediate(postAnswers);
  };

  port.on("message", (calls: StoreThreadCall[] | "close") => {
    if (calls === "close") {
      void Promise.allSettled(inFlight)
        .then(() => store.close())
        .finally(() => {
          // the last answers would otherwise wait for a turn of the loop the thread no longer has
          postAnswers();
          port.close();
        });
      return;
    }
    // run together, so their writes join one group commit, as they would on one thread
    for (const call of calls) {
      const target = (call.target === "store" ? store : store.holder) as unknown as Record<
        string,
        ((...args: unknown[]) => Promise<unknown>) | undefined
      >;
      const method = target[call.method];
      if (typeof method !== "function") {
        answer({ id: call.id, error: { name: "Error", message: `the store has no method ${call.method}` } });
        continue;
      }
      const done = method.apply(target, call.args).then(
        (value) => {
          answer({ id: call.id, value });
        },
        (error: unknown) => {
          answer({ id: call.id, error: serializeError(error) });
        },
      );
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    }
  });
}
