import { expect } from "chai";
import type { BatchedDocument, FieldValue } from "../../../server/core/document/model.ts";
import { CHECK_NAMES, type VerificationResult } from "../../../server/core/verification/result.ts";

/**
 * The shape every result must have: checks named from CHECK_NAMES in its order; a valid result
 * passed all of them, any other passed all but its last, which failed and explains the status.
 */
export function expectWellFormed(result: VerificationResult): void {
  const positions = result.checks.map((check) => CHECK_NAMES.indexOf(check.name));
  expect(positions, "check names").to.not.include(-1);
  positions.slice(1).forEach((position, i) => {
    expect(position, `checks out of order: ${result.checks.map((c) => c.name).join(", ")}`).to.be.greaterThan(
      positions[i]!,
    );
  });
  expect(result.valid).to.equal(result.status === "VALID");
  if (result.valid) {
    expect(result.checks.map((c) => c.name)).to.deep.equal([...CHECK_NAMES]);
    expect(result.checks.every((c) => c.passed)).to.equal(true);
    return;
  }
  expect(result.checks.length).to.be.greaterThan(0);
  expect(
    result.checks.slice(0, -1).every((c) => c.passed),
    "every check before the failing one passed",
  ).to.equal(true);
  expect(result.checks.at(-1)?.passed, "the last check failed").to.equal(false);
}

/** The verdict and, when given, the name of the check that decided it. */
export function expectStatus(
  result: VerificationResult,
  status: VerificationResult["status"],
  failedCheck?: string,
): void {
  expect(result.status, JSON.stringify(result.checks.at(-1))).to.equal(status);
  expectWellFormed(result);
  if (failedCheck !== undefined) expect(result.checks.at(-1)).to.include({ name: failedCheck, passed: false });
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A different value of the same shape, so the document stays well formed and only hashes can tell. */
export function changedValue(value: FieldValue): FieldValue {
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(value)) return value.slice(0, -1) + (value.endsWith("Z") ? "Y" : "Z");
  if (/^\d{4}-/.test(value)) return String(Number(value.slice(0, 4)) + 1) + value.slice(4);
  if (/^\d{6}$/.test(value)) return value === "120000" ? "110000" : "120000";
  if (/^[a-z][a-z0-9-]*$/.test(value)) return value + "-x";
  return value + "改";
}

type Json = Record<string, unknown>;

/** The value shown at a field path such as `subject.uscc` or `validFrom`. */
export function valueAt(document: BatchedDocument, path: string): FieldValue {
  const [head, tail] = path.split(".") as [string, string | undefined];
  const holder = (tail === undefined ? document : (document as unknown as Json)[head]) as Json;
  return holder[tail ?? head] as FieldValue;
}

export function setValue(document: BatchedDocument, path: string, value: FieldValue): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail === undefined) (document as unknown as Json)[head] = value;
  else ((document as unknown as Json)[head] as Json)[tail] = value;
}

/** The same JSON with every object's keys in reverse order. */
export function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

/** Every primitive value anywhere in `value` (object keys excluded). */
export function primitives(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(primitives);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(primitives);
  return [value];
}
