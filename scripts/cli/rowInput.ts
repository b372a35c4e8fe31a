import type { CertificateType } from "../../server/core/registry/definition.ts";

const ENVELOPE = new Set(["type", "validFrom", "validUntil", "supersedes"]);

/**
 * One CSV row (all strings) as a certificate input: envelope columns by name, every other column a
 * subject field, integers parsed where the type says so, empty cells left out (optional fields).
 */
export function rowToRequest(row: Readonly<Record<string, string>>, type: CertificateType): Record<string, unknown> {
  const subject: Record<string, string | number> = {};
  const request: Record<string, unknown> = { type: type.name, subject };
  const fieldTypes = new Map(type.fields.map((f) => [f.name, f.type]));
  for (const [column, raw] of Object.entries(row)) {
    const value = raw.trim();
    if (value === "") continue;
    if (ENVELOPE.has(column)) {
      if (column !== "type") request[column] = value;
      continue;
    }
    const name = column.startsWith("subject.") ? column.slice("subject.".length) : column;
    subject[name] = fieldTypes.get(name) === "integer" && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return request;
}
