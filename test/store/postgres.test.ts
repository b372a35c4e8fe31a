import { expect } from "chai";
import pg from "pg";
import { ONE_UNFINISHED_STATUS_OP_MIGRATION } from "../../server/store/oneUnfinishedStatusOp.ts";
import { PG_MIGRATIONS } from "../../server/store/postgres/migrations.ts";
import { PgStore } from "../../server/store/postgres/pgStore.ts";
import { startPgCluster, type PgCluster } from "../../scripts/support/postgres.ts";
import { requirePostgres } from "../support/postgres.ts";
import { storeConformance } from "./conformance.ts";
import { holderStoreBehaviour } from "./holderStore.behaviour.ts";
import { ANCHORED_BEFORE_PROOF_COLUMN, expectLegacyProofsRead } from "./proofColumnMigration.ts";
import { expectOneUnfinishedKept, RACED_ROWS } from "./unfinishedStatusOpMigration.ts";

describe("Store conformance: PostgreSQL", function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let databases = 0;

  before(async function () {
    cluster = await startPgCluster(requirePostgres(this));
  });

  after(async () => {
    await (cluster as PgCluster | undefined)?.stop();
  });

  storeConformance(async () => {
    const url = await cluster.createDatabase(`conformance_${++databases}`);
    const store = await PgStore.open(url, { maxConnections: 4 });
    return {
      store,
      another: () => PgStore.open(url, { maxConnections: 4 }),
      async dispose() {
        await store.close();
      },
    };
  });

  describe("holder store", () => {
    holderStoreBehaviour(async () => {
      const store = await PgStore.open(await cluster.createDatabase(`holder_${++databases}`), { maxConnections: 4 });
      return {
        store: store.holder,
        insertCertificates: (certificates) => store.insertCertificates(certificates),
        close: () => store.close(),
      };
    });
  });

  describe("migrations", () => {
    /** A database as a release that stopped before `version` left it: the migrations before it, recorded. */
    const migratedBefore = async (client: pg.Client, version: number): Promise<void> => {
      await client.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ)");
      for (const migration of PG_MIGRATIONS.filter((m) => m.version < version)) {
        await client.query(migration.sql);
        await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [migration.version]);
      }
    };

    it("apply once when replicas start together, and are recorded by version", async () => {
      const url = await cluster.createDatabase("migrations_race");
      const stores = await Promise.all([PgStore.open(url), PgStore.open(url), PgStore.open(url)]);
      for (const s of stores) await s.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ version: number }>(
          "SELECT version FROM schema_migrations ORDER BY version",
        );
        expect(rows.map((r) => r.version)).to.deep.equal(PG_MIGRATIONS.map((m) => m.version));
      } finally {
        await client.end();
      }
    });

    /** A database as a release that stopped before `version` left it, holding `rows`, then opened. */
    const openedBefore = async (
      name: string,
      version: number,
      rows: string,
      check: (store: PgStore) => Promise<void>,
    ): Promise<void> => {
      const url = await cluster.createDatabase(name);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await migratedBefore(client, version);
        await client.query(rows);
      } finally {
        await client.end();
      }
      const store = await PgStore.open(url);
      try {
        await check(store);
      } finally {
        await store.close();
      }
    };

    it("keeps one unfinished status operation per certificate of a database that holds several, and starts", async () => {
      await openedBefore(
        "migrations_raced",
        PG_MIGRATIONS.find((m) => m.sql === ONE_UNFINISHED_STATUS_OP_MIGRATION)!.version,
        `${RACED_ROWS}; SELECT setval('status_ops_id_seq', 8);`,
        expectOneUnfinishedKept,
      );
    });

    it("compresses documents with lz4, and reads those written with pglz before, moved to their own table", async () => {
      const url = await cluster.createDatabase("migrations_lz4");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await migratedBefore(client, 5);
        // a large, compressible document written before the migration, so with pglz
        const before = { id: "before", text: "证书".repeat(4000) };
        await client.query(
          `INSERT INTO certificates (id, agency_id, type, type_id, leaf, document, state, issued_by_key, created_at)
           VALUES ('01BEFORE000000000000000000', 1, 't', 0, '0x00', $1, 'pending', 'k', '2026-01-01T00:00:00.000Z')`,
          [JSON.stringify(before)],
        );
        const store = await PgStore.open(url);
        try {
          const after = { id: "after", text: "执照".repeat(4000) };
          await store.insertCertificates([
            {
              id: "01AFTER0000000000000000000",
              agencyId: 1,
              type: "t",
              typeId: 0,
              leaf: "0x01",
              document: after,
              supersedes: null,
              issuedByKey: "k",
              createdAt: "2026-01-01T00:00:01.000Z",
            },
          ]);
          const { rows } = await client.query<{ id: string; method: string }>(
            "SELECT id, pg_column_compression(document) AS method FROM certificate_documents ORDER BY id",
          );
          expect(rows).to.deep.equal([
            { id: "01AFTER0000000000000000000", method: "lz4" },
            { id: "01BEFORE000000000000000000", method: "pglz" },
          ]);
          expect((await store.getCertificate("01BEFORE000000000000000000"))?.document).to.deep.equal(before);
          expect((await store.getCertificate("01AFTER0000000000000000000"))?.document).to.deep.equal(after);
        } finally {
          await store.close();
        }
      } finally {
        await client.end();
      }
    });

    it("refuses a certificate whose document is missing, and keeps no document in a certificate's row", async () => {
      const url = await cluster.createDatabase("documents_apart");
      await (await PgStore.open(url)).close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        let refusal = "";
        await client
          .query(
            `INSERT INTO certificates (id, agency_id, type, type_id, leaf, state, issued_by_key, created_at)
             VALUES ('01NODOCUMENT00000000000000', 1, 't', 0, '0x00', 'pending', 'k', '2026-01-01T00:00:00.000Z')`,
          )
          .catch((error: unknown) => {
            refusal = (error as { constraint?: string }).constraint ?? "";
          });
        expect(refusal).to.equal("certificates_document");
        const { rows } = await client.query(
          "SELECT 1 FROM information_schema.columns WHERE table_name = 'certificates' AND column_name = 'document'",
        );
        expect(rows).to.have.length(0);
      } finally {
        await client.end();
      }
    });

    it("reads documents anchored before proof blocks had a column as stored, and later ones with their block", async () => {
      await openedBefore(
        "migrations_proof_column",
        6,
        `${ANCHORED_BEFORE_PROOF_COLUMN}; SELECT setval('batches_id_seq', 1);`,
        expectLegacyProofsRead,
      );
    });

    it("refuses a database migrated by a newer release", async () => {
      const url = await cluster.createDatabase("migrations_newer");
      await (await PgStore.open(url)).close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query("INSERT INTO schema_migrations (version) VALUES (999)");
      await client.end();
      let message = "";
      await PgStore.open(url).catch((error: unknown) => {
        message = (error as Error).message;
      });
      expect(message).to.match(/newer than this release/);
    });
  });
});
