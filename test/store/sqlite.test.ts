import { mkdtempSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ONE_UNFINISHED_STATUS_OP_MIGRATION } from "../../server/store/oneUnfinishedStatusOp.ts";
import { MIGRATIONS } from "../../server/store/sqlite/schema.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { storeConformance } from "./conformance.ts";
import { expectOneUnfinishedKept, RACED_ROWS } from "./unfinishedStatusOpMigration.ts";

describe("Store conformance: SQLite", () => {
  storeConformance(() => {
    const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
    const path = join(dir, "certledger.db");
    return Promise.resolve({
      store: SqliteStore.open(path),
      another: () => Promise.resolve(SqliteStore.open(path)),
      async dispose() {
        await this.store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  });

  describe("migrations", () => {
    it("keep one unfinished status operation per certificate of a database that holds several, and open", async () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
      const path = join(dir, "certledger.db");
      try {
        const before = MIGRATIONS.indexOf(ONE_UNFINISHED_STATUS_OP_MIGRATION);
        const db = new DatabaseSync(path);
        for (const migration of MIGRATIONS.slice(0, before)) db.exec(migration);
        db.exec(`PRAGMA user_version = ${before}`);
        db.exec(RACED_ROWS);
        db.close();
        const store = SqliteStore.open(path);
        try {
          await expectOneUnfinishedKept(store);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
