import type { CheckName, RevocationReason, VerificationStatus, WarningCode } from "../../core/verification/result.ts";

type AgencyStatus = "active" | "suspended" | "retired" | "unknown";

/**
 * Keys that must exist because the verification result can produce them: adding a status,
 * check or reason to result.ts fails the typecheck until both languages describe it.
 */
export type RequiredKey =
  | `status.${VerificationStatus}.headline`
  | `status.${VerificationStatus}.explanation`
  | `check.${CheckName}.name`
  | `check.${CheckName}.passed`
  | `check.${CheckName}.failed`
  | `reason.${RevocationReason | "unknown"}`
  | `agencyStatus.${AgencyStatus}`
  | `warning.${WarningCode}`;
