import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ONE_UNFINISHED_STATUS_OP_MIGRATION } from "../../server/store/oneUnfinishedStatusOp.ts";
import {
  DOCUMENTS_APART_MIGRATION,
  MIGRATIONS,
  NO_LEAF_INDEX_MIGRATION,
  PROOF_COLUMN_MIGRATION,
} from "../../server/store/sqlite/schema.ts";
import { SqliteDatabase } from "../../server/store/sqlite/database.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { openSqliteInThread } from "../../server/store/sqlite/workerSqliteStore.ts";
import { storeConformance } from "./conformance.ts";
import { expectDocumentsApart, ROWS_BEFORE_DOCUMENTS_APART } from "./documentsApartMigration.ts";
import { expectRebuiltWithoutLeafIndex, ROWS_BEFORE_NO_LEAF_INDEX } from "./noLeafIndexMigration.ts";
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

  describe("with its writes in a thread of their own (how the service opens it)", () => {
    storeConformance(async () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
      const path = join(dir, "certledger.db");
      const { store } = await openSqliteInThread(path);
      return {
        store,
        another: async () => (await openSqliteInThread(path)).store,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });

    it("refuses to open a file that is not a SQLite database, with SQLite's own error", async () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
      try {
        const path = join(dir, "certledger.db");
        writeFileSync(path, "not a database, but long enough to be read as a header".repeat(100));
        let refused: unknown = null;
        await openSqliteInThread(path).catch((error: unknown) => (refused = error));
        expect(refused).to.be.instanceOf(Error);
        expect((refused as Error).message).to.match(/not a database/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("closing lets the writes in flight commit, then refuses calls; the file keeps what was acknowledged", async () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
      const path = join(dir, "certledger.db");
      try {
        const { store } = await openSqliteInThread(path);
        const id = "01JE0000000000000000000001";
        const written = store.insertCertificates([
          {
            id,
            agencyId: 1,
            type: "business-licence",
            typeId: 0,
            leaf: `0x${"ab".repeat(32)}`,
            document: { id },
            supersedes: null,
            issuedByKey: "key1",
            createdAt: new Date(0).toISOString(),
          },
        ]);
        const closed = store.close();
        await written;
        await closed;
        let refused: unknown = null;
        await store.setMeta("after", "close").catch((error: unknown) => (refused = error));
        expect(refused).to.be.instanceOf(Error);
        expect((refused as Error).message).to.match(/closed/);
        const again = SqliteStore.open(path);
        expect((await again.getCertificate(id))?.id).to.equal(id);
        expect(await again.getMeta("after")).to.equal(null);
        await again.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("migrations", () => {
    /** A database as a release with the first `count` migrations left it, holding `rows`, then opened. */
    const openedAfter = async (
      count: number,
      rows: string,
      check: (store: SqliteStore, read: (sql: string) => Record<string, unknown>[]) => Promise<void>,
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
        const read = (sql: string) => {
          const reader = new DatabaseSync(path, { readOnly: true });
          try {
            return reader
              .prepare(sql)
              .all()
              .map((row) => ({ ...row }));
          } finally {
            reader.close();
          }
        };
        try {
          await check(store, read);
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

    it("refuse a migration that leaves rows pointing at none, keeping the database as the one before left it", () => {
      const dir = mkdtempSync(join(tmpdir(), "certledger-store-"));
      const sqlite = SqliteDatabase.open(join(dir, "certledger.db"), { synchronous: "FULL" });
      try {
        const migrations = [
          "CREATE TABLE parents (id INTEGER PRIMARY KEY); CREATE TABLE children (parent INTEGER REFERENCES parents (id));",
          "INSERT INTO parents (id) VALUES (1); INSERT INTO children (parent) VALUES (1), (2);",
        ];
        expect(() => {
          sqlite.migrate(migrations);
        }).to.throw(/migration 2 would leave 1 row\(s\) pointing at rows that do not exist/);
        expect(sqlite.db.prepare("PRAGMA user_version").get()).to.deep.include({ user_version: 1 });
        expect(sqlite.db.prepare("SELECT count(*) AS n FROM children").get()).to.deep.include({ n: 0 });
      } finally {
        sqlite.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("rebuild the certificates table without the leaves' unique index, every row and reference kept", async () => {
      await openedAfter(
        MIGRATIONS.indexOf(NO_LEAF_INDEX_MIGRATION),
        ROWS_BEFORE_NO_LEAF_INDEX,
        expectRebuiltWithoutLeafIndex,
      );
    });
  });
});
