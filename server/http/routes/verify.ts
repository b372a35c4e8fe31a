import { Router, type Request } from "express";
import { unencodableJson } from "../../core/validation/unsafeText.ts";
import type { VerificationResult } from "../../core/verification/result.ts";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import { negotiateLocale, type DivisionName } from "../../i18n/index.ts";
import type { Metrics } from "../../observability/metrics.ts";
import type { Verifier } from "../../services/verifier.ts";
import { HTTP_ERROR_STATUS, HttpError } from "../errors.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { certificateIdSchema, leafHashSchema } from "../schemas.ts";
import { buildLangUrls, renderErrorPage, renderVerifyPage } from "../views/index.ts";

export interface VerifyRouteDeps {
  verifier: Verifier;
  types: CertificateTypeRegistry;
  divisionName: DivisionName;
  publicUrl: string;
  /** IANA zone for instants on pages (anchoring and revocation times) */
  timeZone: string;
  metrics: Metrics;
  limits: RouteLimits;
}

/** HTTP status of a verification answer: a verdict is 200 whatever it says; no verdict is not. */
function httpStatusOf(result: VerificationResult): number {
  if (result.status === "UNAVAILABLE") return HTTP_ERROR_STATUS.UNAVAILABLE;
  return 200;
}

const wantsJson = (req: Request): boolean => req.accepts(["html", "json"]) === "json";

export function verifyRoutes(deps: VerifyRouteDeps): { api: Router; pages: Router } {
  const api = Router();
  api.post("/verify", deps.limits.public, async (req, res) => {
    if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
      throw new HttpError("MALFORMED", "Send a certificate document (a JSON object) as the request body");
    }
    const unencodable = unencodableJson(req.body);
    if (unencodable !== null) throw new HttpError("MALFORMED", `Not a certificate document: ${unencodable}`);
    const result = await deps.verifier.verifyDocument(req.body);
    deps.metrics.verifications.inc({ status: result.status });
    if (result.status === "MALFORMED") {
      res.status(HTTP_ERROR_STATUS.MALFORMED).json({ error: { code: "MALFORMED", message: result.checks.at(-1)?.detail ?? "Not a certificate document" }, result });
      return;
    }
    res.status(httpStatusOf(result)).json(result);
  });

  const pages = Router();
  pages.get("/v/:id", deps.limits.public, async (req, res) => {
    res.vary("Accept").vary("Accept-Language").set("Cache-Control", "no-store");
    const id = certificateIdSchema.safeParse(req.params.id);
    if (!id.success) throw new HttpError("UNKNOWN_CERTIFICATE", "No certificate has this id");
    // A link cut short (a partial scan, a hand-typed URL) is a scanning problem, not a forgery:
    // answered before any lookup, whether or not the id exists.
    const h = leafHashSchema.safeParse(req.query.h);
    if (!h.success) throw new HttpError("INCOMPLETE_LINK", "This link is incomplete: scan the code again");
    const outcome = await deps.verifier.verifyStored(id.data, h.data);
    deps.metrics.verifications.inc({ status: outcome.result.status });
    if (wantsJson(req)) {
      res.status(outcome.record ? httpStatusOf(outcome.result) : 404).json(outcome.result);
      return;
    }
    const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
    const langUrls = buildLangUrls(req.path, req.query);
    if (!outcome.record) {
      res.status(404).type("html").send(renderErrorPage({ kind: "certificateNotFound", locale, langUrls, requestedId: id.data }));
      return;
    }
    const { result } = outcome;
    const certificateType = result.certificate ? deps.types.find(result.certificate.type) : undefined;
    res
      .status(httpStatusOf(result))
      .type("html")
      .send(
        renderVerifyPage({
          result,
          locale,
          langUrls,
          publicUrl: deps.publicUrl,
          requestedId: outcome.record.id,
          leafHash: h.data,
          ...(certificateType ? { certificateType } : {}),
          divisionName: deps.divisionName,
          timeZone: deps.timeZone,
          checkedAt: new Date(),
        }),
      );
  });
  return { api, pages };
}
