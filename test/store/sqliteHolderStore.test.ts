import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { openSqliteInThread } from "../../server/store/sqlite/workerSqliteStore.ts";
import { certificateFor, holderStoreBehaviour } from "./holderStore.behaviour.ts";

describe("store: SQLite holder store", () => {
  holderStoreBehaviour(() => {
    const sqlite = SqliteStore.open(":memory:");
    return Promise.resolve({
      store: sqlite.holder,
      certificate: (id: string) => sqlite.insertCertificates([certificateFor(id)]),
      close: () => sqlite.close(),
    });
  });

  describe("with its writes in a thread of their own (how the service opens it)", () => {
    holderStoreBehaviour(async () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-holder-"));
      const { store, holder } = await openSqliteInThread(join(dir, "certledger.db"));
      return {
        store: holder,
        certificate: (id: string) => store.insertCertificates([certificateFor(id)]),
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  });
});
