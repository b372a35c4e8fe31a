import { createRequire } from "node:module";

/** What the benchmarks read of autocannon's result (the package ships no types). */
export interface AutocannonResult {
  "2xx": number;
  non2xx: number;
  errors: number;
  /** seconds */
  duration: number;
  requests: { average: number; total: number };
  /** milliseconds */
  latency: { p50: number; p99: number; average: number };
}

/** autocannon's promise API; options as its README names them. */
export const autocannon = createRequire(import.meta.url)("autocannon") as (
  options: Record<string, unknown>,
) => Promise<AutocannonResult>;
