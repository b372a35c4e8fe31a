import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./serviceProcess.ts";

/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, started on
 * a free port, stopped and removed by `stop()`. PostgreSQL refuses to run as root, so as root its
 * binaries run as the `postgres` user (runuser).
 */
export interface PgCluster {
  /** a connection URL for `database` (created by `createDatabase`) */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** drops `database` with everything in it, closing its connections */
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | null {
  const fromEnv = process.env.CERTLEDGER_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, "initdb")) ? fromEnv : null;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest === undefined ? null : join(base, newest, "bin");
}

const asRoot = process.getuid?.() === 0;

function run(bin: string, args: string[]): void {
  const command = asRoot ? "runuser" : bin;
  const full = asRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  const result = spawnSync(command, full, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
}

export async function startPgCluster(bin: string): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), "certledger-pg-"));
  chmodSync(dir, 0o755);
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const port = await freePort();
  const data = join(dir, "db");
  run(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "certledger", "--no-sync", "-E", "UTF8"]);
  // fsync off: a test cluster is thrown away, and durability is not what these tests measure
  run(join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-t",
    "60",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    "start",
  ]);
  const url = (database: string) => `postgres://certledger@127.0.0.1:${port}/${database}`;
  /** Runs one statement outside any database of the tests' (CREATE and DROP DATABASE cannot run inside their own). */
  const administer = async (statement: (client: pg.Client) => string): Promise<void> => {
    const client = new pg.Client({ connectionString: url("postgres") });
    await client.connect();
    try {
      await client.query(statement(client));
    } finally {
      await client.end();
    }
  };
  let stopped = false;
  return {
    url,
    async createDatabase(name) {
      await administer((client) => `CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return url(name);
    },
    async dropDatabase(name) {
      await administer((client) => `DROP DATABASE ${client.escapeIdentifier(name)} WITH (FORCE)`);
    },
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      try {
        run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
