import { Router } from "express";
import { publicView, withView } from "../../core/disclosure/views.ts";
import type { Metrics } from "../../observability/metrics.ts";
import type { UsageTraces } from "../../services/holder/usageTraces.ts";
import type { Verifier } from "../../services/verifier.ts";
import type { Store } from "../../store/port.ts";
import { HttpError } from "../errors.ts";
import { certificateIdSchema, leafHashQuerySchema } from "../schemas.ts";
import { buildLangUrls, renderErrorPage } from "../views/index.ts";
import { negotiateLocale } from "../../i18n/index.ts";
import { sendResult, wantsFragment, wantsJson, type ResultRenderDeps } from "./resultResponses.ts";

export interface VerifyRouteDeps extends ResultRenderDeps {
  verifier: Verifier;
  store: Store;
  traces: UsageTraces;
  metrics: Metrics;
}

export function verifyRoutes(deps: VerifyRouteDeps): { api: Router; pages: Router } {
  const api = Router();
  api.post("/verify", async (req, res) => {
    if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
      throw new HttpError(400, "MALFORMED", "Send a certificate document (a JSON object) as the request body");
    }
    const result = await deps.verifier.verifyDocument(req.body);
    deps.metrics.verifications.inc({ status: result.status });
    const id = result.certificate?.id;
    if (id !== undefined && (await deps.store.getCertificate(id))) await deps.traces.record(id, "document", result.status);
    if (result.status === "MALFORMED" && !wantsFragment(req)) {
      res.status(400).json({ error: { code: "MALFORMED", message: result.checks.at(-1)?.detail ?? "Not a certificate document" }, result });
      return;
    }
    // the holder's own document: it shows what the holder chose to disclose in it
    sendResult(req, res, deps, { result, requestedId: id ?? "", ...(result.status === "MALFORMED" ? { status: 400 } : {}) });
  });

  const pages = Router();
  pages.get("/v/:id", async (req, res) => {
    const query = leafHashQuerySchema.safeParse(req.query);
    const id = certificateIdSchema.safeParse(req.params.id);
    const json = wantsJson(req) || wantsFragment(req);
    res.vary("Accept").vary("Accept-Language").set("Cache-Control", "no-store");
    if (json && (!id.success || !query.success)) throw new HttpError(404, "UNKNOWN_CERTIFICATE", "No certificate has this id");
    const outcome = id.success && query.success ? await deps.verifier.verifyStored(id.data, query.data.h ?? "") : null;
    if (outcome) deps.metrics.verifications.inc({ status: outcome.result.status });
    if (!outcome?.record) {
      if (outcome && wantsFragment(req)) {
        sendResult(req, res, deps, { result: outcome.result, requestedId: req.params.id, status: 404 });
        return;
      }
      if (json) {
        res.status(404).json(outcome?.result);
        return;
      }
      const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
      res.status(404).type("html").send(renderErrorPage({ kind: "certificateNotFound", locale, langUrls: buildLangUrls(req.path, req.query), requestedId: req.params.id }));
      return;
    }
    await deps.traces.record(outcome.record.id, "static-qr", outcome.result.status);
    // The verdict is reached on the whole certificate; anyone with the printed code sees only the
    // public minimum of it.
    const result = withView(outcome.result, (certificate) => publicView(certificate, deps.types.find(certificate.type)));
    sendResult(req, res, deps, { result, requestedId: outcome.record.id, ...(query.data?.h ? { leafHash: query.data.h } : {}) });
  });
  return { api, pages };
}
