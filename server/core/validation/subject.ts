import type { FieldIssue } from "../errors.ts";
import type { CertificateType, FieldDefinition } from "../registry/definition.ts";
import { isCalendarDate } from "./dates.ts";
import type { Jurisdictions } from "./jurisdictions.ts";
import { checkResidentId } from "./residentId.ts";
import { checkUscc } from "./uscc.ts";

export interface SubjectValidationContext {
  jurisdictions: Jurisdictions;
  /** YYYY-MM-DD: dates of birth after it are refused */
  today?: string;
}

export type SubjectValidator = (subject: Readonly<Record<string, unknown>>) => FieldIssue[];

/**
 * Compiles the checks of one certificate type once (patterns included), for use on many subjects.
 * Messages name the rule broken, never the value: they end up in logs and API errors.
 */
export function createSubjectValidator(type: CertificateType, context: SubjectValidationContext): SubjectValidator {
  const checks = type.fields.map((field) => ({ field, check: fieldCheck(field, context) }));
  const known = new Set(type.fields.map((field) => field.name));
  return (subject) => {
    const issues: FieldIssue[] = [];
    for (const { field, check } of checks) {
      const path = `subject.${field.name}`;
      const value = subject[field.name];
      if (value === undefined || value === null || value === "") {
        if (field.required) issues.push({ path, code: "REQUIRED", message: `${field.labels.en} is required` });
        continue;
      }
      const issue = check(value);
      if (issue !== null) issues.push({ path, ...issue });
    }
    for (const name of Object.keys(subject)) {
      if (!known.has(name)) {
        issues.push({ path: `subject.${name}`, code: "UNKNOWN_FIELD", message: `${type.name} has no field ${name}` });
      }
    }
    return issues;
  };
}

type FieldCheck = (value: unknown) => Omit<FieldIssue, "path"> | null;

function fieldCheck(field: FieldDefinition, context: SubjectValidationContext): FieldCheck {
  const label = field.labels.en;
  switch (field.type) {
    case "string": {
      const pattern = field.pattern === undefined ? null : new RegExp(field.pattern, "u");
      return (value) => {
        if (typeof value !== "string") return invalidType(label, "a string");
        if (value.trim() !== value || value.length === 0) {
          return { code: "PATTERN_MISMATCH", message: `${label} must not start or end with spaces` };
        }
        if (value.length > field.maxLength) {
          return { code: "TOO_LONG", message: `${label} is longer than ${field.maxLength} characters` };
        }
        if (pattern !== null && !pattern.test(value)) {
          return { code: "PATTERN_MISMATCH", message: `${label} does not have the expected format` };
        }
        return null;
      };
    }
    case "date":
      return (value) => {
        if (typeof value !== "string") return invalidType(label, "a date (YYYY-MM-DD)");
        return isCalendarDate(value) ? null : { code: "INVALID_DATE", message: `${label} is not a date (YYYY-MM-DD)` };
      };
    case "enum": {
      const allowed = new Set(field.options.map((option) => option.value));
      return (value) =>
        typeof value === "string" && allowed.has(value)
          ? null
          : { code: "INVALID_ENUM", message: `${label} must be one of ${[...allowed].join(", ")}` };
    }
    case "integer":
      return (value) => {
        if (typeof value !== "number" || !Number.isSafeInteger(value)) return invalidType(label, "an integer");
        if (
          (field.minimum !== undefined && value < field.minimum) ||
          (field.maximum !== undefined && value > field.maximum)
        ) {
          return {
            code: "OUT_OF_RANGE",
            message: `${label} is out of range ${field.minimum ?? "…"}..${field.maximum ?? "…"}`,
          };
        }
        return null;
      };
    case "uscc":
      return (value) => {
        if (typeof value !== "string") return invalidType(label, "a string");
        const problem = checkUscc(value);
        if (problem === "format") {
          return { code: "INVALID_USCC", message: `${label} is not an 18-character unified social credit code` };
        }
        return problem === "check"
          ? { code: "USCC_CHECK_MISMATCH", message: `${label} has a wrong check character` }
          : null;
      };
    case "resident-id":
      return (value) => {
        if (typeof value !== "string") return invalidType(label, "a string");
        const problem = checkResidentId(value, context.today);
        if (problem === "format" || (problem === null && !context.jurisdictions.hasProvinceOf(value))) {
          return { code: "INVALID_RESIDENT_ID", message: `${label} is not an 18-character citizen identity number` };
        }
        if (problem === "birthDate") {
          return { code: "INVALID_BIRTH_DATE", message: `${label} does not contain a valid date of birth` };
        }
        return problem === "check"
          ? { code: "RESIDENT_ID_CHECK_MISMATCH", message: `${label} has a wrong check character` }
          : null;
      };
    case "jurisdiction":
      return (value) => {
        if (typeof value !== "string") return invalidType(label, "a six-digit division code");
        return context.jurisdictions.has(value)
          ? null
          : { code: "UNKNOWN_JURISDICTION", message: `${label} is not a known administrative division code` };
      };
  }
}

function invalidType(label: string, expected: string): Omit<FieldIssue, "path"> {
  return { code: "INVALID_TYPE", message: `${label} must be ${expected}` };
}
