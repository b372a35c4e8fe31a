/**
 * A JSON object as JSON.parse or an object literal makes it (no prototype but Object's or none),
 * holding only `allowed` keys (any, when null) and at most `maxKeys` of them. The hand-written
 * checks in front of the document and input schemas use it: anything else goes to the schema.
 */
export function isPlainObject(
  value: unknown,
  allowed: ReadonlySet<string> | null,
  maxKeys = Infinity,
): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  const keys = Object.keys(value);
  if (keys.length > maxKeys) return false;
  if (allowed !== null) for (const key of keys) if (!allowed.has(key)) return false;
  return true;
}
