// The performance targets, each read from the figures a benchmark wrote to
// bench/results/*.json. A figure no benchmark has written yet shows as "not measured", so the
// table says where the project stands without pretending.

/** The parsed bench/results files, by name without ".json". */
export type Results = Record<string, unknown>;

export interface Target {
  what: string;
  target: string;
  /** the figure as shown, or undefined when no benchmark has written it */
  figure: (results: Results) => string | undefined;
  /** whether the figure meets the target; undefined for figures reported without a target */
  met: (results: Results) => boolean | undefined;
}

function valueAt(results: Results, path: string): unknown {
  let value: unknown = results;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The value at `path` (dot-separated keys) in `results`, if it is a number. */
export function numberAt(results: Results, path: string): number | undefined {
  const value = valueAt(results, path);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

const perSecond = (n: number | undefined): string | undefined =>
  n === undefined ? undefined : `${Math.round(n).toLocaleString("en")}/s`;

const atLeast = (path: string, minimum: number) => (r: Results) => {
  const n = numberAt(r, path);
  return n === undefined ? undefined : n >= minimum;
};

const atMost = (path: string, maximum: number) => (r: Results) => {
  const n = numberAt(r, path);
  return n === undefined ? undefined : n <= maximum;
};

const both = (...checks: (boolean | undefined)[]): boolean | undefined =>
  checks.some((c) => c === undefined) ? undefined : checks.every(Boolean);

/** Whether the large store of bench/results/store.json held a million certificates (a smaller run says nothing of it). */
const isMillion = (r: Results): boolean => (numberAt(r, "store.large.certificates") ?? 0) >= 1_000_000;

/**
 * A route on the store of a million against the small store, same run: saturated throughput, and
 * p99 paced at half the small store's throughput (bench/results/store.json says why not the
 * saturated p99, which it keeps too), each within 20%.
 */
function storeShare(what: string, phase: string): Target {
  const throughput = `store.largeOfSmall.${phase}Throughput`;
  const p99 = `store.largeOfSmall.${phase}PacedP99`;
  return {
    what: `store of 1,000,000: ${what}, against 10,000`,
    target: "throughput and p99 within 20%",
    figure: (r) => {
      const share = numberAt(r, throughput);
      const multiple = numberAt(r, p99);
      const rps = numberAt(r, `store.large.${phase}.requestsPerSecond`);
      const ms = numberAt(r, `store.large.${phase}.pacedP99Ms`);
      const rate = numberAt(r, `store.large.${phase}.pacedRate`);
      if (share === undefined || multiple === undefined || !isMillion(r)) return undefined;
      return `${perSecond(rps)} (${Math.round(share * 100)}%), p99 ${ms} ms at ${perSecond(rate)} (${Math.round(multiple * 100)}%)`;
    },
    met: (r) => {
      const share = numberAt(r, throughput);
      const multiple = numberAt(r, p99);
      return share === undefined || multiple === undefined ? undefined : share >= 0.8 && multiple <= 1.2;
    },
  };
}

/** A byte count per certificate of the store of a million, reported without a target. */
function millionStoreBytes(what: string, path: string): Target {
  return {
    what: `store of 1,000,000 certificates: ${what}`,
    target: "(reported)",
    figure: (r) => {
      const bytes = numberAt(r, path);
      return bytes === undefined || !isMillion(r) ? undefined : `${bytes.toLocaleString("en")} bytes`;
    },
    met: () => undefined,
  };
}

const WRAP_1K = "core.offline.wrap.1000.perSecond";
const WRAP_100K = "core.offline.wrap.100000.perSecond";
/** one batch of 100,000 against 100 of 1,000, the same certificates, in pairs (core-offline.ts) */
const WRAP_SCALING = "core.offline.wrapScaling.ratio";
const VERIFY_D10 = "core.offline.verifyOffline.1000.perSecond";
const VERIFY_D17 = "core.offline.verifyOffline.100000.perSecond";

export const TARGETS: readonly Target[] = [
  {
    what: "wrap, 10 fields, one core, batch of 1,000",
    target: "≥ 40,000/s",
    figure: (r) => perSecond(numberAt(r, WRAP_1K)),
    met: atLeast(WRAP_1K, 40_000),
  },
  {
    what: "wrap, batch of 100,000",
    target: "≥ 40,000/s, within 20% of 1,000",
    figure: (r) => {
      const n = numberAt(r, WRAP_100K);
      const ratio = numberAt(r, WRAP_SCALING);
      const pairs = numberAt(r, "core.offline.wrapScaling.pairs");
      if (n === undefined || ratio === undefined) return undefined;
      return `${perSecond(n)}; ${Math.round(ratio * 100)}% of the rate of batches of 1,000 over the same certificates (median of ${pairs} pairs)`;
    },
    met: (r) => both(atLeast(WRAP_100K, 40_000)(r), atLeast(WRAP_SCALING, 0.8)(r)),
  },
  {
    what: "offline verification from JSON, proof depth 10",
    target: "≥ 40,000/s",
    figure: (r) => perSecond(numberAt(r, VERIFY_D10)),
    met: atLeast(VERIFY_D10, 40_000),
  },
  {
    what: "offline verification from JSON, proof depth 17",
    target: "≥ 30,000/s",
    figure: (r) => perSecond(numberAt(r, VERIFY_D17)),
    met: atLeast(VERIFY_D17, 30_000),
  },
  {
    what: "verification against a local chain, one after another",
    target: "(reported)",
    figure: (r) => perSecond(numberAt(r, "core.chain.perSecond")),
    met: () => undefined,
  },
  {
    what: "QR verification GET /v/:id?h= (JSON), 32 connections, share of bare Express (median of rounds)",
    target: "≥ 50%",
    figure: (r) => {
      const share = numberAt(r, "service.verification.shareOfTrivialRoute");
      const rps = numberAt(r, "service.verification.requestsPerSecond");
      const overExpress = numberAt(r, "service.verification.fastPathOverExpressRoute");
      if (share === undefined) return undefined;
      const express = overExpress === undefined ? "" : `; ×${overExpress.toFixed(2)} Express's route`;
      return `${Math.round(share * 100)}% (${perSecond(rps)}${express})`;
    },
    met: atLeast("service.verification.shareOfTrivialRoute", 0.5),
  },
  {
    what: "QR verification p99, 32 connections (median of rounds)",
    target: "≤ 25 ms",
    figure: (r) => {
      const p99 = numberAt(r, "service.verification.p99Ms");
      return p99 === undefined ? undefined : `${p99} ms`;
    },
    met: atMost("service.verification.p99Ms", 25),
  },
  {
    what: "single-certificate issuance held with p99 202→anchored ≤ 3 s (ramp)",
    target: "≥ 3,000/s",
    figure: (r) => perSecond(numberAt(r, "issuance.single.sustainedPerSecond")),
    met: atLeast("issuance.single.sustainedPerSecond", 3_000),
  },
  {
    what: "batch issuance, 1,000 items a request, acknowledged and anchored",
    target: "≥ 20,000/s",
    figure: (r) => {
      const anchored = numberAt(r, "issuance.batch.anchoredPerSecond");
      const acknowledged = numberAt(r, "issuance.batch.acknowledgedPerSecond");
      return anchored === undefined
        ? undefined
        : `${perSecond(anchored)} anchored (${perSecond(acknowledged)} acknowledged)`;
    },
    met: atLeast("issuance.batch.anchoredPerSecond", 20_000),
  },
  {
    what: "reconciliation of 100,000 anchored certificates against the chain",
    target: "≤ 60 s",
    figure: (r) => {
      const s = numberAt(r, "service.reconciliation.seconds");
      const n = numberAt(r, "service.reconciliation.certificates");
      return s === undefined || n === undefined ? undefined : `${s} s for ${n.toLocaleString("en")}`;
    },
    // the target is for 100,000: a run that anchored fewer says nothing about it
    met: (r) =>
      both(atMost("service.reconciliation.seconds", 60)(r), atLeast("service.reconciliation.certificates", 100_000)(r)),
  },
  {
    what: "PostgreSQL, one replica: issuance acknowledged and anchored, share of SQLite (rounds in turn)",
    target: "≥ 80% both",
    figure: (r) => {
      const acknowledged = numberAt(r, "service.stores.postgresql1ShareOfSqlite");
      const anchored = numberAt(r, "service.stores.postgresql1AnchoredShareOfSqlite");
      return acknowledged === undefined || anchored === undefined
        ? undefined
        : `${Math.round(acknowledged * 100)}% acknowledged, ${Math.round(anchored * 100)}% anchored`;
    },
    met: (r) =>
      both(
        atLeast("service.stores.postgresql1ShareOfSqlite", 0.8)(r),
        atLeast("service.stores.postgresql1AnchoredShareOfSqlite", 0.8)(r),
      ),
  },
  {
    what: "store of 1,000,000 certificates: service start",
    target: "≤ 5 s",
    figure: (r) => {
      const s = numberAt(r, "store.millionStartSeconds");
      return s === undefined ? undefined : `${s} s`;
    },
    met: atMost("store.millionStartSeconds", 5),
  },
  storeShare("QR verification", "verification"),
  storeShare("certificate list, first page", "listFirstPage"),
  storeShare("certificate list, deep pages", "listDeepPages"),
  millionStoreBytes("database size per certificate", "store.large.disk.bytesPerCertificate"),
  millionStoreBytes("bytes written to fill it, per certificate", "store.large.fillWrittenBytesPerCertificate"),
  {
    what: "audit export, 100,000 events as CSV",
    target: "(reported)",
    figure: (r) => perSecond(numberAt(r, "audit.export.eventsPerSecond")),
    met: () => undefined,
  },
];

/** The table: one row per target, ✔ met, ✘ missed or not measured, "–" reported without a target. */
export function targetTable(results: Results): string {
  const rows = TARGETS.map((t) => {
    const figure = t.figure(results);
    const met = figure === undefined ? false : t.met(results);
    return [t.what, t.target, figure ?? "not measured", met === undefined ? "–" : met ? "✔" : "✘"];
  });
  const header = ["what", "target", "figure", "met"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Each benchmark's figures by the object that holds its `measuredAt` and `machine`. */
const MEASUREMENTS: [string, string][] = [
  ["wrap and offline verification", "core.offline"],
  ["QR, reconciliation, SQLite against PostgreSQL", "service"],
  ["batch issuance", "issuance.batch"],
  ["single issuance", "issuance.single"],
  ["store of 1,000,000", "store"],
];

/**
 * Lines under the table: how fast the machine was when each benchmark ran (cpuAccounting.ts's
 * yardstick), so a figure that moved between two days is read as the code's or the machine's.
 */
export function yardstickLines(results: Results): string {
  const lines = MEASUREMENTS.map(([what, path]) => {
    const rate = numberAt(results, `${path}.machine.sha256PerSecond`);
    const measuredAt = valueAt(results, `${path}.measuredAt`);
    const day = typeof measuredAt === "string" ? measuredAt.slice(0, 10) : "not measured";
    return `  ${what} (${day}): ${rate === undefined ? "no yardstick recorded" : perSecond(rate)}`;
  });
  return ["Machine speed when measured (node:crypto SHA-256 of 64 bytes, one core):", ...lines].join("\n");
}
