import { join } from "node:path";
import type { Secret } from "../config/secret.ts";
import type { HolderStore } from "./holderPort.ts";
import type { Store } from "./port.ts";
import { PgStore } from "./postgres/pgStore.ts";
import { openSqliteInThread } from "./sqlite/workerSqliteStore.ts";

export interface StoreChoice {
  /** `postgres://…`: the shared PostgreSQL store; null: SQLite in `dataDir` */
  databaseUrl: Secret | null;
  dataDir: string;
}

export interface OpenedStore {
  store: Store;
  /** the holder's secrets, presentations and usage traces, in the same database */
  holder: HolderStore;
  /** true when other service processes may share this store (PostgreSQL replicas) */
  shared: boolean;
}

/** The one place that picks the store adapter: the service, the admin CLI and the tests go through it. */
export async function openStore(choice: StoreChoice, options: { applicationName?: string } = {}): Promise<OpenedStore> {
  if (choice.databaseUrl) {
    const store = await PgStore.open(choice.databaseUrl.reveal(), options);
    return { store, holder: store.holder, shared: true };
  }
  const { store, holder } = await openSqliteInThread(join(choice.dataDir, "certledger.db"));
  return { store, holder, shared: false };
}
