import type { MaskKind } from "../registry/definition.ts";

const STARS = "****";

/** Characters, not UTF-16 units: a name in CJK or with supplementary characters masks evenly. */
const chars = (value: string): string[] => Array.from(value);

function maskName(value: string): string {
  const c = chars(value.trim());
  if (c.length <= 1) return "*";
  if (c.length === 2) return `${c[0] ?? ""}*`;
  return `${c[0] ?? ""}${"*".repeat(c.length - 2)}${c.at(-1) ?? ""}`;
}

/** Up to the first county-level unit (区/县/旗), else the city; a fixed tail hides the length. */
function maskAddress(value: string): string {
  const c = chars(value.trim());
  const district = c.findIndex((ch, i) => i >= 2 && (ch === "区" || ch === "县" || ch === "旗"));
  const city = c.findIndex((ch, i) => i >= 2 && ch === "市");
  const cut = district >= 0 && district < 16 ? district + 1 : city >= 0 && city < 12 ? city + 1 : 0;
  return `${c.slice(0, cut).join("")}${STARS}`;
}

function maskIdentifier(value: string): string {
  const c = chars(value.trim());
  if (c.length < 10) return `${c[0] ?? ""}${"*".repeat(Math.max(c.length - 1, 3))}`;
  return `${c.slice(0, 6).join("")}${"*".repeat(c.length - 10)}${c.slice(-4).join("")}`;
}

function maskYear(value: string): string {
  const year = /^(\d{4})-\d{2}-\d{2}/.exec(value)?.[1];
  return year === undefined ? STARS : `${year}-**-**`;
}

/**
 * The public page's form of a masked value. Pure string work with no reference data: what is
 * kept is a fixed share of the value, never more, whatever the input looks like.
 */
export function maskValue(kind: MaskKind, value: unknown): string {
  if (typeof value !== "string") return STARS;
  switch (kind) {
    case "name":
      return maskName(value);
    case "address":
      return maskAddress(value);
    case "identifier":
      return maskIdentifier(value);
    case "year":
      return maskYear(value);
  }
}
