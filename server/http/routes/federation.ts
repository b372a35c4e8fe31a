import { createHash } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { publicView, withView } from "../../core/disclosure/views.ts";
import { negotiateLocale } from "../../i18n/index.ts";
import type { Metrics } from "../../observability/metrics.ts";
import type { UsageTraces } from "../../services/holder/usageTraces.ts";
import { DESCRIPTOR_PATH, type DeploymentDescriptor } from "../../services/deploymentDescriptor.ts";
import { parseVerificationLink, type LinkVerifier } from "../../services/federation/linkVerification.ts";
import type { TrustListState } from "../../services/trustListWatch.ts";
import type { Verifier } from "../../services/verifier.ts";
import { HttpError } from "../errors.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { buildLangUrls } from "../rendering/index.ts";
import { renderFederationPage } from "../rendering/federationPage.ts";
import { certificateIdSchema, leafHashSchema } from "../schemas.ts";
import { sendResult, type ResultRenderDeps } from "./resultResponses.ts";

export interface FederationRouteDeps extends ResultRenderDeps {
  describe: () => Promise<DeploymentDescriptor>;
  /** the anchored certificate's public document, when `leaf` is its hash */
  publicDocumentOf: (id: string, leaf: string) => Promise<object | "unknown" | "pending">;
  links: LinkVerifier;
  verifier: Verifier;
  traces: UsageTraces;
  metrics: Metrics;
  trustList: () => TrustListState;
  limits: RouteLimits;
}

const verifyLinkSchema = z.strictObject({ url: z.string().max(2048) });

/** How long caches may keep the descriptor: it changes only when agencies are added. */
const DESCRIPTOR_MAX_AGE_SECONDS = 300;

/** The deployment descriptor, the certificate fetch other deployments use, link verification, and the operator page. */
export function federationRoutes(deps: FederationRouteDeps): { api: Router; pages: Router } {
  const pages = Router();
  pages.get(DESCRIPTOR_PATH, deps.limits.public, async (req, res) => {
    const body = JSON.stringify(await deps.describe());
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    res
      .set("Cache-Control", `public, max-age=${DESCRIPTOR_MAX_AGE_SECONDS}`)
      .set("ETag", etag)
      // public metadata, as a trust-list operator's tools and other services read it
      .set("Access-Control-Allow-Origin", "*");
    if (
      req
        .get("if-none-match")
        ?.split(/\s*,\s*/)
        .includes(etag)
    ) {
      res.status(304).end();
      return;
    }
    res.type("json").send(body);
  });

  pages.get("/v/:id/document", deps.limits.public, async (req, res) => {
    res.set("Cache-Control", "no-store");
    const id = certificateIdSchema.safeParse(req.params.id);
    const h = leafHashSchema.safeParse(req.query.h);
    // without the hash printed in the QR code nothing is handed out, as for an unknown id
    if (!id.success || !h.success) throw new HttpError("UNKNOWN_CERTIFICATE", "No certificate has this id and hash");
    const document = await deps.publicDocumentOf(id.data, h.data);
    if (document === "unknown") throw new HttpError("UNKNOWN_CERTIFICATE", "No certificate has this id and hash");
    if (document === "pending")
      throw new HttpError("CERTIFICATE_PENDING", "The certificate is not anchored yet; try again in a few seconds");
    res.json(document);
  });

  pages.get("/federation", deps.limits.public, (req, res) => {
    const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
    res
      .set("Cache-Control", "no-store")
      .type("html")
      .send(
        renderFederationPage({
          locale,
          langUrls: buildLangUrls(req.path, req.query),
          state: deps.trustList(),
          timeZone: deps.timeZone,
        }),
      );
  });

  const api = Router();
  api.post("/verify-link", deps.limits.outbound, async (req, res) => {
    const { url } = verifyLinkSchema.parse(req.body);
    const link = parseVerificationLink(url);
    if (!link) {
      throw new HttpError(
        "NOT_A_VERIFICATION_LINK",
        "Not a certificate verification link (https://…/v/<id>?h=<certificate hash>)",
      );
    }
    const outcome = await deps.links.verify(link);
    if (outcome.kind === "unrecognised") {
      throw new HttpError("UNRECOGNISED_ISSUER", `${outcome.origin} is not a recognised issuing service`, {
        origin: outcome.origin,
        message: {
          zh: `${outcome.origin} 不是本服务认可的签发服务，未向其发出任何请求。请勿采信该证书。`,
          en: `${outcome.origin} is not a recognised issuing service; no request was made to it. Do not rely on this certificate.`,
        },
      });
    }
    if (outcome.kind === "own") {
      const stored = await deps.verifier.verifyStored(link.id, link.leaf);
      deps.metrics.verifications.inc({ status: stored.result.status });
      if (stored.id) await deps.traces.record(stored.id, "static-qr", stored.result.status);
      const result = withView(stored.result, (c) => publicView(c, deps.types.find(c.type)));
      sendResult(req, res, deps, {
        result,
        requestedId: link.id,
        leafHash: link.leaf,
        ...(stored.id ? {} : { status: 404 }),
      });
      return;
    }
    deps.metrics.verifications.inc({ status: outcome.result.status });
    const result = withView(outcome.result, (c) => publicView(c, deps.types.find(c.type)));
    sendResult(req, res, deps, { result, requestedId: link.id });
  });
  return { api, pages };
}
