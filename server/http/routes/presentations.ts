import { Router } from "express";
import type { Metrics } from "../../observability/metrics.ts";
import type { Presentations } from "../../services/holder/presentations.ts";
import { PRESENTATION_CODE_PATTERN } from "../../services/holder/secrets.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { HttpError } from "../errors.ts";
import { guessLimiters, type GuessLimits } from "../middleware/guessLimits.ts";
import { renderErrorPage } from "../rendering/index.ts";
import { negotiateLocale } from "../../i18n/index.ts";
import { buildLangUrls } from "../rendering/langUrls.ts";
import { sendResult, wantsFragment, wantsJson, type ResultRenderDeps } from "./resultResponses.ts";

export interface PresentationRouteDeps extends ResultRenderDeps {
  presentations: Presentations;
  metrics: Metrics;
  guessLimits: GuessLimits;
  limits: RouteLimits;
}

/**
 * `GET /p/<token>` (the live QR code) and `GET /p/<8 digits>` (the typed code): the holder's
 * chosen fields, verified against the chain; PRESENTATION_EXPIRED once past its time or
 * withdrawn. Unknown references are 404 and count towards the guessing limits.
 */
export function presentationRoutes(deps: PresentationRouteDeps): Router {
  const router = Router();
  router.get(
    "/p/:ref",
    deps.limits.public,
    ...guessLimiters(deps.guessLimits, "ref", "codes", (ref) => PRESENTATION_CODE_PATTERN.test(ref)),
    async (req, res) => {
      const ref = req.params.ref;
      const lookup = await deps.presentations.lookup(typeof ref === "string" ? ref : "");
      if (!lookup.found) {
        if (wantsJson(req) || wantsFragment(req))
          throw new HttpError("UNKNOWN_PRESENTATION", "No presentation has this code");
        const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
        res
          .status(404)
          .set("Cache-Control", "no-store")
          .type("html")
          .send(renderErrorPage({ kind: "notFound", locale, langUrls: buildLangUrls(req.path, req.query) }));
        return;
      }
      deps.metrics.verifications.inc({ status: lookup.result.status });
      // an expired code names no certificate: whoever holds an old code learns nothing from it
      const requestedId = lookup.result.certificate ? lookup.presentation.certificateId : "";
      sendResult(req, res, deps, { result: lookup.result, requestedId });
    },
  );
  return router;
}
