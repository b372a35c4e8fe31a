import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { reasonName, type AuditEvent } from "./events.ts";

export type ExportFormat = "csv" | "ndjson";

/** One event as the API, the exports and `audit rebuild` show it. */
export interface EventView {
  blockNumber: number;
  blockTime: string;
  txHash: string;
  logIndex: number;
  contract: AuditEvent["contract"];
  kind: AuditEvent["kind"];
  actor: string;
  agencyId: number | null;
  root: string | null;
  leaf: string | null;
  leafIndex: number | null;
  reasonCode: number | null;
  reason: string | null;
  typeId: number | null;
  type: string | null;
  size: number | null;
  officer: string | null;
  details: Record<string, string | number> | null;
}

export type TypeName = (typeId: number) => string | undefined;

export function eventView(e: AuditEvent, typeName: TypeName): EventView {
  return {
    blockNumber: e.blockNumber,
    blockTime: new Date(e.blockTime * 1000).toISOString(),
    txHash: e.txHash,
    logIndex: e.logIndex,
    contract: e.contract,
    kind: e.kind,
    actor: e.actor,
    agencyId: e.agencyId,
    root: e.root,
    leaf: e.leaf,
    leafIndex: e.leafIndex,
    reasonCode: e.reasonCode,
    reason: reasonName(e.reasonCode),
    typeId: e.typeId,
    type: e.typeId === null ? null : (typeName(e.typeId) ?? null),
    size: e.size,
    officer: e.officer,
    details: e.details,
  };
}

const CSV_COLUMNS = [
  "blockNumber",
  "blockTime",
  "txHash",
  "logIndex",
  "contract",
  "kind",
  "actor",
  "agencyId",
  "root",
  "leaf",
  "leafIndex",
  "reasonCode",
  "reason",
  "typeId",
  "type",
  "size",
  "officer",
  "details",
] as const satisfies readonly (keyof EventView)[];

/** RFC 4180 field: quoted when it holds a quote, comma or line break. */
function csvField(value: EventView[keyof EventView]): string {
  if (value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = (): string => `${CSV_COLUMNS.join(",")}\r\n`;
export const csvLine = (v: EventView): string => `${CSV_COLUMNS.map((c) => csvField(v[c])).join(",")}\r\n`;
export const ndjsonLine = (v: EventView): string => `${JSON.stringify(v)}\n`;

const CHUNK_CHARS = 64 * 1024;

/** The export as text chunks of ~64 KiB, pulled one at a time: a slow reader holds the query back. */
export function* exportChunks(
  events: Iterable<AuditEvent>,
  format: ExportFormat,
  typeName: TypeName,
): Generator<string> {
  let chunk = format === "csv" ? csvHeader() : "";
  const line = format === "csv" ? csvLine : ndjsonLine;
  for (const event of events) {
    chunk += line(eventView(event, typeName));
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Streams an export to `out` with backpressure: `pipeline` writes a chunk only when `out` has
 * drained the previous ones, and destroys the source (finalising the SQLite statement) if the
 * reader goes away.
 */
export async function streamExport(
  out: Writable,
  events: Iterable<AuditEvent>,
  format: ExportFormat,
  typeName: TypeName,
): Promise<void> {
  await pipeline(Readable.from(exportChunks(events, format, typeName), { objectMode: false }), out);
}
