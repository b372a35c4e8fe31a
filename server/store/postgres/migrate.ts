import type pg from "pg";
import { PG_MIGRATIONS } from "./migrations.ts";

/** Any fixed number: the advisory lock that serialises migrations across replicas starting together. */
const MIGRATION_LOCK = 0x63657274; // "cert"

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction,
 * while holding a session advisory lock: a replica that starts while another migrates waits, then
 * finds nothing left to do. A database migrated by a newer release is refused, not guessed at.
 */
export async function applyMigrations(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await client.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      const applied = new Set(
        (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version),
      );
      const newest = Math.max(0, ...PG_MIGRATIONS.map((m) => m.version));
      const unknown = [...applied].filter((v) => v > newest);
      if (unknown.length > 0) {
        throw new Error(
          `the database has schema version ${Math.max(...unknown)}, newer than this release knows (${newest}): run a newer certledger`,
        );
      }
      for (const migration of PG_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [migration.version]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
