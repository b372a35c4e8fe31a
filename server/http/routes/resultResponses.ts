import type { Request, Response } from "express";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import type { VerificationResult } from "../../core/verification/result.ts";
import { negotiateLocale, type DivisionName } from "../../i18n/index.ts";
import { HTTP_ERROR_STATUS } from "../errors.ts";
import {
  buildLangUrls,
  renderResultFragment,
  renderVerifyPage,
  type ResultSectionOptions,
} from "../rendering/index.ts";

export interface ResultRenderDeps {
  types: CertificateTypeRegistry;
  divisionName: DivisionName;
  publicUrl: string;
  /** IANA zone for instants on pages */
  timeZone: string;
  now: () => Date;
}

/** HTTP status of a verification answer: a verdict is 200 whatever it says; no verdict is not. */
export function httpStatusOf(result: VerificationResult): number {
  return result.status === "UNAVAILABLE" ? HTTP_ERROR_STATUS.UNAVAILABLE : 200;
}

export const wantsJson = (req: Request): boolean => req.accepts(["html", "json"]) === "json";

/** `?part=result`: the scripted pages ask for the result section alone, to insert it. */
export const wantsFragment = (req: Request): boolean => req.query.part === "result";

/**
 * Sends one verification result the way the request asks: JSON, the HTML fragment of the result
 * section, or the whole page. Every HTML form comes from the one renderer in rendering/verifyPage.ts.
 */
export function sendResult(
  req: Request,
  res: Response,
  deps: ResultRenderDeps,
  answer: { result: VerificationResult; requestedId: string; leafHash?: string; status?: number },
): void {
  const { result } = answer;
  const status = answer.status ?? httpStatusOf(result);
  res.vary("Accept").vary("Accept-Language").set("Cache-Control", "no-store");
  if (!wantsFragment(req) && wantsJson(req)) {
    res.status(status).json(result);
    return;
  }
  const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
  const certificateType = result.certificate ? deps.types.find(result.certificate.type) : undefined;
  const options: ResultSectionOptions = {
    result,
    locale,
    publicUrl: deps.publicUrl,
    requestedId: answer.requestedId,
    ...(answer.leafHash ? { leafHash: answer.leafHash } : {}),
    ...(certificateType ? { certificateType } : {}),
    divisionName: deps.divisionName,
    timeZone: deps.timeZone,
  };
  if (wantsFragment(req)) {
    res.status(status).type("html").send(renderResultFragment(options));
    return;
  }
  const langUrls = buildLangUrls(req.path, req.query);
  res
    .status(status)
    .type("html")
    .send(renderVerifyPage({ ...options, langUrls, checkedAt: deps.now() }));
}
