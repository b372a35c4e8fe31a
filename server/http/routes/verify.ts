import { Router, type RequestHandler } from "express";
import { publicView, withView } from "../../core/disclosure/views.ts";
import type { VerificationResult } from "../../core/verification/result.ts";
import { unencodableJson } from "../../core/validation/unsafeText.ts";
import { negotiateLocale } from "../../i18n/index.ts";
import type { Metrics } from "../../observability/metrics.ts";
import type { UsageTraces } from "../../services/holder/usageTraces.ts";
import type { Verifier } from "../../services/verifier.ts";
import type { Store } from "../../store/port.ts";
import { HTTP_ERROR_STATUS, HttpError } from "../errors.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { certificateIdSchema, leafHashSchema } from "../schemas.ts";
import { buildLangUrls, renderErrorPage } from "../rendering/index.ts";
import { httpStatusOf, sendResult, wantsFragment, wantsJson, type ResultRenderDeps } from "./resultResponses.ts";

export interface VerifyRouteDeps extends ResultRenderDeps {
  verifier: Verifier;
  store: Store;
  traces: UsageTraces;
  metrics: Metrics;
  limits: RouteLimits;
}

/** A scan's JSON answer: status and body. */
export interface JsonAnswer {
  status: number;
  body: string;
}

/** The JSON answer to a scan of a whole link (`id` and `leaf` already well formed). */
export type ScanAnswer = (id: string, leaf: string) => Promise<JsonAnswer>;

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/**
 * `scan` answers `GET /v/:id` (the QR target); the app mounts it itself, behind `limits.public`, so
 * the busiest route is matched by the app's own router rather than through a nested one.
 * `scanAnswer` is its JSON answer, which the QR fast path (`fastPaths/scan.ts`) gives too.
 */
export function verifyRoutes(deps: VerifyRouteDeps): { api: Router; scan: RequestHandler; scanAnswer: ScanAnswer } {
  const api = Router();
  api.post("/verify", deps.limits.public, async (req, res) => {
    if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
      throw new HttpError("MALFORMED", "Send a certificate document (a JSON object) as the request body");
    }
    const unencodable = unencodableJson(req.body);
    if (unencodable !== null) throw new HttpError("MALFORMED", `Not a certificate document: ${unencodable}`);
    const result = await deps.verifier.verifyDocument(req.body);
    deps.metrics.verifications.inc({ status: result.status });
    const id = result.certificate?.id;
    if (id !== undefined && (await deps.store.getCertificate(id)))
      await deps.traces.record(id, "document", result.status);
    if (result.status === "MALFORMED" && !wantsFragment(req)) {
      res.status(HTTP_ERROR_STATUS.MALFORMED).json({
        error: { code: "MALFORMED", message: result.checks.at(-1)?.detail ?? "Not a certificate document" },
        result,
      });
      return;
    }
    // the holder's own document: it shows what the holder chose to disclose in it
    sendResult(req, res, deps, {
      result,
      requestedId: id ?? "",
      ...(result.status === "MALFORMED" ? { status: HTTP_ERROR_STATUS.MALFORMED } : {}),
    });
  });

  // The verifier answers a scan of an unchanged certificate with the verdict object it gave before;
  // the public JSON of that verdict is then made once, not per scan.
  const publicJson = new WeakMap<VerificationResult, string>();
  const publicResult = (result: VerificationResult): VerificationResult =>
    withView(result, (certificate) => publicView(certificate, deps.types.find(certificate.type)));

  /** A scan of a whole link, counted, and traced for the holder when the certificate exists. */
  const scanned = async (id: string, leaf: string) => {
    const outcome = await deps.verifier.verifyStored(id, leaf);
    deps.metrics.verifications.inc({ status: outcome.result.status });
    if (outcome.id !== null) await deps.traces.record(outcome.id, "static-qr", outcome.result.status);
    return outcome;
  };

  // The verdict is reached on the whole certificate; anyone with the printed code sees only the
  // public minimum of it.
  const scanAnswer: ScanAnswer = async (id, leaf) => {
    const outcome = await scanned(id, leaf);
    if (outcome.id === null) return { status: 404, body: JSON.stringify(outcome.result) };
    let body = publicJson.get(outcome.result);
    if (body === undefined) {
      body = JSON.stringify(publicResult(outcome.result));
      publicJson.set(outcome.result, body);
    }
    return { status: httpStatusOf(outcome.result), body };
  };

  const scan: RequestHandler = async (req, res) => {
    res.vary("Accept").vary("Accept-Language").set("Cache-Control", "no-store");
    const id = certificateIdSchema.safeParse(req.params.id);
    if (!id.success) throw new HttpError("UNKNOWN_CERTIFICATE", "No certificate has this id");
    // A link cut short (a partial scan, a hand-typed URL) is a scanning problem, not a forgery:
    // answered before any lookup, whether or not the id exists. Other query parameters (a
    // scanner's own) are ignored.
    const h = leafHashSchema.safeParse(req.query.h);
    if (!h.success) throw new HttpError("INCOMPLETE_LINK", "This link is incomplete: scan the code again");
    if (!wantsFragment(req) && wantsJson(req)) {
      const answer = await scanAnswer(id.data, h.data);
      res.status(answer.status).set("Content-Type", JSON_CONTENT_TYPE).send(answer.body);
      return;
    }
    const outcome = await scanned(id.data, h.data);
    if (outcome.id === null) {
      if (wantsFragment(req)) {
        sendResult(req, res, deps, { result: outcome.result, requestedId: id.data, status: 404 });
        return;
      }
      const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
      res
        .status(404)
        .type("html")
        .send(
          renderErrorPage({
            kind: "certificateNotFound",
            locale,
            langUrls: buildLangUrls(req.path, req.query),
            requestedId: id.data,
          }),
        );
      return;
    }
    sendResult(req, res, deps, {
      result: publicResult(outcome.result),
      requestedId: outcome.id,
      leafHash: h.data,
    });
  };
  return { api, scan, scanAnswer };
}
