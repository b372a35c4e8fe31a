import {
  isPresentationLive,
  presentationExpiredResult,
  presentedResult,
  type PresentationWindow,
} from "../../core/verification/presentation.ts";
import type { VerificationResult } from "../../core/verification/result.ts";
import type { HolderStore, PresentationRecord, UsageChannel } from "../../store/holderPort.ts";
import type { Verifier } from "../verifier.ts";
import {
  PRESENTATION_CODE_PATTERN,
  PRESENTATION_TOKEN_PATTERN,
  newPresentationCode,
  newPresentationToken,
  newRecordId,
  sha256Hex,
} from "./secrets.ts";
import type { UsageTraces } from "./usageTraces.ts";

export interface PresentationDeps {
  holderStore: HolderStore;
  verifier: Pick<Verifier, "verifyStored">;
  traces: UsageTraces;
  publicUrl: string;
  now: () => Date;
  /** how long a presentation may be used */
  ttlSeconds: number;
}

/** A new presentation as its holder sees it once: the token and code are never shown again. */
export interface NewPresentation {
  id: string;
  fields: string[];
  createdAt: string;
  expiresAt: string;
  /** the 8-digit code to read out or type */
  code: string;
  /** `PUBLIC_URL/p/<token>`, the QR code's content */
  url: string;
}

export type PresentationLookup =
  | { found: false }
  | { found: true; presentation: PresentationRecord; result: VerificationResult; channel: UsageChannel };

export const presentationPath = (token: string): string => `/p/${token}`;

const windowOf = (p: PresentationRecord): PresentationWindow => ({
  presentedAt: p.createdAt,
  expiresAt: p.expiresAt,
  fields: p.fields,
  withdrawnAt: p.withdrawnAt,
});

/**
 * Live presentations (亮证): the holder picks fields and gets a QR link and an 8-digit code for a
 * few minutes. Looking one up verifies the whole certificate against the chain, as any
 * verification does, and shows only the chosen fields.
 */
export class Presentations {
  readonly #deps: PresentationDeps;

  constructor(deps: PresentationDeps) {
    this.#deps = deps;
  }

  get ttlSeconds(): number {
    return this.#deps.ttlSeconds;
  }

  async create(certificateId: string, fields: readonly string[]): Promise<NewPresentation> {
    const { holderStore } = this.#deps;
    const now = this.#deps.now();
    let code = newPresentationCode();
    // a live code names one presentation; with 10^8 codes a clash is rare, and a fresh draw ends it
    while (await holderStore.isCodeInUse(sha256Hex(code), now.toISOString())) code = newPresentationCode();
    const token = newPresentationToken();
    const record: PresentationRecord = {
      id: newRecordId(),
      certificateId,
      tokenHash: sha256Hex(token),
      codeHash: sha256Hex(code),
      fields: [...new Set(fields)],
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#deps.ttlSeconds * 1000).toISOString(),
      withdrawnAt: null,
    };
    await holderStore.insertPresentation(record);
    const base = this.#deps.publicUrl.replace(/\/+$/, "");
    return {
      id: record.id,
      fields: record.fields,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      code,
      url: `${base}${presentationPath(token)}`,
    };
  }

  live(certificateId: string): Promise<PresentationRecord[]> {
    return this.#deps.holderStore.livePresentations(certificateId, this.#deps.now().toISOString());
  }

  withdraw(certificateId: string, presentationId: string): Promise<boolean> {
    return this.#deps.holderStore.withdrawPresentation(certificateId, presentationId, this.#deps.now().toISOString());
  }

  /**
   * The answer for a scanned token or a typed code. An unknown reference is `found: false` (the
   * caller counts it as a guess); a known one past its time or withdrawn is PRESENTATION_EXPIRED.
   */
  async lookup(reference: string): Promise<PresentationLookup> {
    const { holderStore } = this.#deps;
    let presentation: PresentationRecord | null = null;
    let channel: UsageChannel = "live-qr";
    if (PRESENTATION_CODE_PATTERN.test(reference)) {
      presentation = await holderStore.findPresentationByCode(sha256Hex(reference));
      channel = "live-code";
    } else if (PRESENTATION_TOKEN_PATTERN.test(reference)) {
      presentation = await holderStore.findPresentationByToken(sha256Hex(reference));
    }
    if (!presentation) return { found: false };
    const window = windowOf(presentation);
    let result: VerificationResult;
    if (!isPresentationLive(window, this.#deps.now())) result = presentationExpiredResult(window);
    else {
      const verified = await this.#deps.verifier.verifyStored(presentation.certificateId, null);
      result = presentedResult(verified.result, window);
    }
    await this.#deps.traces.record(presentation.certificateId, channel, result.status, presentation.id);
    return { found: true, presentation, result, channel };
  }
}
