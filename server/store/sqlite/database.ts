import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";

/**
 * One SQLite file through Node's built-in `node:sqlite`: WAL, prepared statements kept for reuse,
 * and `BEGIN IMMEDIATE` transactions. The service's store and the audit index each open their own.
 */
export class SqliteDatabase {
  readonly db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  /** writes waiting for the next group commit */
  readonly #queued: { work: () => unknown; resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** `synchronous`: FULL when a commit must survive a machine crash, NORMAL when it may be redone. */
  static open(path: string, options: { synchronous: "FULL" | "NORMAL" }): SqliteDatabase {
    if (path !== ":memory:") ownerOnly(path);
    const db = new DatabaseSync(path, { timeout: 5000 });
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous};`);
    return new SqliteDatabase(db);
  }

  /**
   * Applies `migrations[user_version..]`, each in a transaction of its own that also sets
   * `user_version`, with foreign keys off: SQLite's way to change a table (build it anew, copy the
   * rows, drop the old one, rename) needs them off, and the setting cannot change inside a
   * transaction. So each migration is checked before it commits (`foreign_key_check`), and foreign
   * keys are enforced from then on.
   */
  migrate(migrations: readonly string[]): void {
    this.db.exec("PRAGMA foreign_keys = OFF;");
    const applied = (this.db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
    for (let i = applied; i < migrations.length; i++) {
      this.transaction(() => {
        this.db.exec(migrations[i] ?? "");
        const broken = this.db.prepare("PRAGMA foreign_key_check").all();
        if (broken.length > 0) {
          throw new Error(`migration ${i + 1} would leave ${broken.length} row(s) pointing at rows that do not exist`);
        }
        this.db.exec(`PRAGMA user_version = ${i + 1}`);
      });
    }
    this.db.exec("PRAGMA foreign_keys = ON;");
  }

  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(work: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /**
   * Group commit: every write handed in before the event loop comes round is done in one
   * transaction, each in a savepoint of its own (all or none, as alone; one failing costs the
   * others nothing), and all are answered after the one COMMIT, so none is acknowledged before it
   * is durable. With synchronous=FULL a commit is an fsync, and one per issuance request was most
   * of the cost of single-certificate issuance (profiled: 19% of the service's time at 500
   * requests a second, blocking the event loop).
   */
  grouped<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queued.length === 1) {
        setImmediate(() => {
          this.#commitQueued();
        });
      }
    });
  }

  #commitQueued(): void {
    const group = this.#queued.splice(0);
    const outcomes: ({ value: unknown } | { error: Error })[] = [];
    try {
      this.transaction(() => {
        for (const { work } of group) {
          this.db.exec("SAVEPOINT grouped");
          try {
            outcomes.push({ value: work() });
          } catch (error) {
            this.db.exec("ROLLBACK TO grouped");
            outcomes.push({ error: asError(error) });
          }
          this.db.exec("RELEASE grouped");
        }
      });
    } catch (error) {
      for (const { reject } of group) reject(asError(error));
      return;
    }
    group.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i];
      if (outcome && "error" in outcome) reject(outcome.error);
      else resolve(outcome?.value);
    });
  }

  close(): void {
    this.#statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * The database holds personal data: owner-only, like the keys. SQLite gives its -wal and -shm
 * files the database file's mode, so creating the file 0600 first covers them; a file an older
 * version created with the umask's mode is tightened too.
 */
function ownerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
