import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { openSqliteInThread } from "../../server/store/sqlite/workerSqliteStore.ts";
import { holderStoreBehaviour } from "./holderStore.behaviour.ts";

describe("store: SQLite holder store", () => {
  holderStoreBehaviour(() => {
    const sqlite = SqliteStore.open(":memory:");
    return Promise.resolve({
      store: sqlite.holder,
      insertCertificates: (certificates) => sqlite.insertCertificates(certificates),
      close: () => sqlite.close(),
    });
  });

  describe("with its writes in a thread of their own (how the service opens it)", () => {
    holderStoreBehaviour(async () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-holder-"));
      const { store, holder } = await openSqliteInThread(join(dir, "certledger.db"));
      return {
        store: holder,
        insertCertificates: (certificates) => store.insertCertificates(certificates),
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  });
});
