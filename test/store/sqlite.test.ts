import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { storeConformance } from "./conformance.ts";

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
});
