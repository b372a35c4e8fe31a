import { postgresBinDir } from "../../scripts/support/postgres.ts";

/**
 * Skips the suite when PostgreSQL is not installed, saying why, or fails it under CI
 * (`CERTLEDGER_REQUIRE_POSTGRES=1`), where a missing PostgreSQL is an error.
 */
export function requirePostgres(suite: Mocha.Context): string {
  const bin = postgresBinDir();
  if (bin) return bin;
  if (process.env.CERTLEDGER_REQUIRE_POSTGRES === "1") {
    throw new Error("PostgreSQL binaries are missing (CERTLEDGER_REQUIRE_POSTGRES=1): apt-get install postgresql");
  }
  console.warn(
    "    skipped: PostgreSQL is not installed (apt-get install postgresql, or CERTLEDGER_PG_BIN=<dir of initdb>)",
  );
  suite.skip();
}
