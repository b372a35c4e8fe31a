import { presentedView, withView } from "../disclosure/views.ts";
import type { PresentationInfo, VerificationResult } from "./result.ts";

/** A holder's presentation as the verifier needs it: what was chosen and its time window. */
export interface PresentationWindow {
  presentedAt: string;
  expiresAt: string;
  fields: readonly string[];
  withdrawnAt: string | null;
}

/** Whether a presentation may still be used at `now`: not withdrawn and not past its end. */
export function isPresentationLive(presentation: PresentationWindow, now: Date): boolean {
  return presentation.withdrawnAt === null && now.getTime() < Date.parse(presentation.expiresAt);
}

function info(presentation: PresentationWindow): PresentationInfo {
  return {
    presentedAt: presentation.presentedAt,
    expiresAt: presentation.expiresAt,
    fields: [...presentation.fields],
    ...(presentation.withdrawnAt === null ? {} : { withdrawnAt: presentation.withdrawnAt }),
  };
}

/**
 * The verdict on a code that is no longer live: not a forgery, and nothing about the
 * certificate is shown; the holder can make a fresh one.
 */
export function presentationExpiredResult(presentation: PresentationWindow): VerificationResult {
  const why =
    presentation.withdrawnAt === null
      ? `expired at ${presentation.expiresAt}`
      : `withdrawn by the holder at ${presentation.withdrawnAt}`;
  return {
    valid: false,
    status: "PRESENTATION_EXPIRED",
    checks: [{ name: "validity", passed: false, detail: `the holder's presentation code ${why}` }],
    certificate: null,
    anchor: null,
    warnings: [],
    presentation: info(presentation),
  };
}

/**
 * A live presentation's answer: the chain's verdict on the whole certificate (computed by the
 * caller like any verification), showing only the chosen subject fields, in full.
 */
export function presentedResult(result: VerificationResult, presentation: PresentationWindow): VerificationResult {
  return {
    ...withView(result, (certificate) => presentedView(certificate, presentation.fields)),
    presentation: info(presentation),
  };
}
