import { join } from "node:path";
import type { Secret } from "../config/secret.ts";
import type { Store } from "./port.ts";
import { PgStore } from "./postgres/pgStore.ts";
import { SqliteStore } from "./sqlite/sqliteStore.ts";

export interface StoreChoice {
  /** `postgres://…`: the shared PostgreSQL store; null: SQLite in `dataDir` */
  databaseUrl: Secret | null;
  dataDir: string;
}

export interface OpenedStore {
  store: Store;
  /** true when other service processes may share this store (PostgreSQL replicas) */
  shared: boolean;
}

/** The one place that picks the store adapter: the service, the admin CLI and the tests go through it. */
export async function openStore(choice: StoreChoice, options: { applicationName?: string } = {}): Promise<OpenedStore> {
  if (choice.databaseUrl) {
    return { store: await PgStore.open(choice.databaseUrl.reveal(), options), shared: true };
  }
  return { store: SqliteStore.open(join(choice.dataDir, "certledger.db")), shared: false };
}
