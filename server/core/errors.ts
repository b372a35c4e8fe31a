/**
 * Errors thrown by the document core. Callers branch on `code`, never on message text.
 */
export type CoreErrorCode =
  | "INVALID_CERTIFICATE"
  | "UNKNOWN_CERTIFICATE_TYPE"
  | "INVALID_TYPE_DEFINITION"
  | "INVALID_DOCUMENT"
  | "FIELD_NOT_HIDEABLE"
  | "UNKNOWN_FIELD"
  | "INVALID_BATCH";

export class CoreError extends Error {
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = "CoreError";
  }
}

/** One problem with one field of a certificate: `path` is a field path such as `subject.uscc`. */
export interface FieldIssue {
  path: string;
  code: FieldIssueCode;
  message: string;
}

export type FieldIssueCode =
  | "REQUIRED"
  | "UNKNOWN_FIELD"
  | "INVALID_TYPE"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "PATTERN_MISMATCH"
  | "INVALID_DATE"
  | "INVALID_DATE_TIME"
  | "INVALID_ENUM"
  | "OUT_OF_RANGE"
  | "INVALID_USCC"
  | "USCC_CHECK_MISMATCH"
  | "INVALID_RESIDENT_ID"
  | "RESIDENT_ID_CHECK_MISMATCH"
  | "INVALID_BIRTH_DATE"
  | "UNKNOWN_JURISDICTION"
  | "INVALID_ID"
  | "VALIDITY_WINDOW"
  | "INVALID_CHARACTER";

/** A certificate input that does not fit its type: one issue per offending field. */
export class CertificateValidationError extends CoreError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], index?: number) {
    const where = index === undefined ? "" : ` (batch item ${index})`;
    const summary = issues.map((i) => `${i.path}: ${i.code}`).join(", ");
    super("INVALID_CERTIFICATE", `invalid certificate${where}: ${summary}`);
    this.issues = issues;
    this.name = "CertificateValidationError";
  }
}

export function isCoreError(error: unknown, code?: CoreErrorCode): error is CoreError {
  return error instanceof CoreError && (code === undefined || error.code === code);
}
