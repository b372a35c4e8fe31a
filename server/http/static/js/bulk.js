/* global crypto */
/**
 * Bulk issuance from a CSV file. The batch endpoint is all-or-nothing and names bad items by
 * index, so each chunk is sent, its bad rows are set aside with their issues, and the rest is
 * sent again until it is accepted.
 */
import { ApiError, api } from "./api.js";
import { localDateTime } from "./dates.js";
import { issuesByItem } from "./fieldIssues.js";

/** @typedef {import("./i18n.js").ClientType} ClientType */
/** @typedef {import("./fieldIssues.js").FieldIssue} FieldIssue */
/** @typedef {{ row: number, item: { type: string, subject: Record<string, string | number>, validFrom?: string, validUntil?: string, supersedes?: string } }} RowItem */
/** @typedef {{ row: number, id: string, verifyUrl: string }} Issued */
/** @typedef {{ row: number, issues: FieldIssue[] }} Rejected */

export const CHUNK_SIZE = 100;
const DOCUMENT_COLUMNS = ["validFrom", "validUntil", "supersedes"];
const SEND_ATTEMPTS = 3;

export class CsvError extends Error {
  /** @param {string} code @param {Record<string, string | number>} [params] */
  constructor(code, params = {}) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

/**
 * The CSV columns of a type: its field names, then the document dates.
 * @param {ClientType} type
 */
export function templateColumns(type) {
  return [...type.fields.map((field) => field.name), "validFrom", "validUntil"];
}

/**
 * Rows of a CSV file (header = field names) as batch items; row numbers count the header as
 * row 1, as a spreadsheet shows them.
 * @param {string} text
 * @param {ClientType} type
 * @returns {Promise<RowItem[]>}
 */
export async function rowsFromCsv(text, type) {
  const { parse } = await import("/static/vendor/csv-parse.js");
  /** @type {string[][]} */
  let records;
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    throw new CsvError("console.bulk.error.unreadable", { detail: error instanceof Error ? error.message : "" });
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0) throw new CsvError("console.bulk.error.empty");
  const known = new Set([...type.fields.map((field) => field.name), ...DOCUMENT_COLUMNS]);
  const unknown = header.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new CsvError("console.bulk.error.columns", { columns: unknown.join(", ") });
  const missing = type.fields
    .filter((field) => field.required && !header.includes(field.name))
    .map((field) => field.name);
  if (missing.length > 0) throw new CsvError("console.bulk.error.missing", { columns: missing.join(", ") });
  const integers = new Set(type.fields.filter((field) => field.type === "integer").map((field) => field.name));
  return rows.map((cells, index) => {
    /** @type {Record<string, string | number>} */
    const subject = {};
    /** @type {RowItem["item"]} */
    const item = { type: type.name, subject };
    header.forEach((name, column) => {
      const value = (cells[column] ?? "").trim();
      if (value === "") return;
      if (name === "validFrom") item.validFrom = localDateTime(value, "start");
      else if (name === "validUntil") item.validUntil = localDateTime(value, "end");
      else if (name === "supersedes") item.supersedes = value;
      else subject[name] = integers.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
    });
    return { row: index + 2, item };
  });
}

/**
 * Sends `rows` in chunks; returns what was issued and what was refused, row by row.
 * @param {RowItem[]} rows
 * @param {string} key
 * @param {(done: number, total: number) => void} progress
 */
export async function issueRows(rows, key, progress) {
  /** @type {Issued[]} */
  const issued = [];
  /** @type {Rejected[]} */
  const rejected = [];
  let done = 0;
  progress(0, rows.length);
  for (let start = 0; start < rows.length; start += CHUNK_SIZE) {
    let pending = rows.slice(start, start + CHUNK_SIZE);
    while (pending.length > 0) {
      const outcome = await sendChunk(pending, key);
      if (outcome.kind === "issued") {
        outcome.items.forEach((ack, i) => {
          const source = pending[i];
          if (source) issued.push({ row: source.row, id: ack.id, verifyUrl: ack.verifyUrl });
        });
        done += pending.length;
        pending = [];
      } else if (outcome.kind === "invalid") {
        const bad = outcome.byItem;
        const kept = [];
        for (const [index, source] of pending.entries()) {
          const issues = bad.get(index);
          if (issues) {
            rejected.push({ row: source.row, issues });
            done += 1;
          } else kept.push(source);
        }
        if (kept.length === pending.length) {
          // the answer named no row of this chunk: refuse them all rather than resend forever
          for (const source of kept)
            rejected.push({ row: source.row, issues: [{ path: "", code: "INVALID_CERTIFICATE", message: "" }] });
          done += kept.length;
          kept.length = 0;
        }
        pending = kept;
      } else {
        for (const source of pending)
          rejected.push({ row: source.row, issues: [{ path: "", code: outcome.code, message: outcome.message }] });
        done += pending.length;
        pending = [];
      }
      progress(done, rows.length);
    }
  }
  rejected.sort((a, b) => a.row - b.row);
  return { issued, rejected };
}

/**
 * One chunk, with its own Idempotency-Key: a retry after a lost answer cannot issue twice.
 * @param {RowItem[]} rows
 * @param {string} key
 * @returns {Promise<{ kind: "issued", items: { id: string, verifyUrl: string }[] } | { kind: "invalid", byItem: Map<number, FieldIssue[]> } | { kind: "failed", code: string, message: string }>}
 */
async function sendChunk(rows, key) {
  const idempotencyKey = crypto.randomUUID();
  /** @type {unknown} */
  let lastError = null;
  for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
    try {
      const answer = /** @type {{ items: { id: string, verifyUrl: string }[] }} */ (
        await api("/api/v1/certificates/batch", {
          method: "POST",
          key,
          body: { items: rows.map((r) => r.item) },
          idempotencyKey,
        })
      );
      return { kind: "issued", items: answer.items };
    } catch (error) {
      lastError = error;
      if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
        const byItem = issuesByItem(error.details);
        if (byItem.size > 0) return { kind: "invalid", byItem };
      }
      if (error instanceof ApiError && error.status > 0 && error.status < 500 && error.status !== 429) break;
    }
  }
  const code = lastError instanceof ApiError ? lastError.code : "NETWORK";
  return { kind: "failed", code, message: lastError instanceof Error ? lastError.message : "" };
}

/**
 * A CSV cell, quoted when it needs to be, and never read as a formula by a spreadsheet.
 * @param {string | number} value
 */
export function csvCell(value) {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** @param {(string | number)[][]} rows */
export function toCsv(rows) {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
