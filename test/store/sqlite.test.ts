import { mkdtempSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ONE_UNFINISHED_STATUS_OP_MIGRATION } from "../../server/store/oneUnfinishedStatusOp.ts";
import { DOCUMENTS_APART_MIGRATION, MIGRATIONS, PROOF_COLUMN_MIGRATION } from "../../server/store/sqlite/schema.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { storeConformance } from "./conformance.ts";
import { expectDocumentsApart, ROWS_BEFORE_DOCUMENTS_APART } from "./documentsApartMigration.ts";
import { ANCHORED_BEFORE_PROOF_COLUMN, expectLegacyProofsRead } from "./proofColumnMigration.ts";
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
    /** A database as a release with the first `count` migrations left it, holding `rows`, then opened. */
    const openedAfter = async (
      count: number,
      rows: string,
      check: (store: SqliteStore, columns: () => string[]) => Promise<void>,
    ) => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
      const path = join(dir, "certledger.db");
      try {
        const db = new DatabaseSync(path);
        for (const migration of MIGRATIONS.slice(0, count)) db.exec(migration);
        db.exec(`PRAGMA user_version = ${count}`);
        db.exec(rows);
        db.close();
        const store = SqliteStore.open(path);
        const columns = () => {
          const reader = new DatabaseSync(path, { readOnly: true });
          try {
            return reader
              .prepare("SELECT name FROM pragma_table_info('certificates')")
              .all()
              .map((r) => String(r.name));
          } finally {
            reader.close();
          }
        };
        try {
          await check(store, columns);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it("keep one unfinished status operation per certificate of a database that holds several, and open", async () => {
      await openedAfter(MIGRATIONS.indexOf(ONE_UNFINISHED_STATUS_OP_MIGRATION), RACED_ROWS, expectOneUnfinishedKept);
    });

    it("read documents anchored before proof blocks had a column as stored, and later ones with their block", async () => {
      await openedAfter(
        MIGRATIONS.indexOf(PROOF_COLUMN_MIGRATION),
        ANCHORED_BEFORE_PROOF_COLUMN,
        expectLegacyProofsRead,
      );
    });

    it("move documents out of the certificates' rows, each to its own certificate, and issue into the new table", async () => {
      await openedAfter(
        MIGRATIONS.indexOf(DOCUMENTS_APART_MIGRATION),
        ROWS_BEFORE_DOCUMENTS_APART,
        expectDocumentsApart,
      );
    });
  });
});
