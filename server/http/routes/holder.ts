import { Router, type Request } from "express";
import { z } from "zod";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import { qrSvg } from "../../qr/index.ts";
import type { HolderAccess } from "../../services/holder/holderAccess.ts";
import type { Presentations } from "../../services/holder/presentations.ts";
import type { UsageTraces } from "../../services/holder/usageTraces.ts";
import type { Verifier } from "../../services/verifier.ts";
import type { Store } from "../../store/port.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { HttpError } from "../errors.ts";
import { guessLimiters, type GuessLimits } from "../middleware/guessLimits.ts";
import { certificateIdSchema } from "../schemas.ts";
import { sendResult, type ResultRenderDeps } from "./resultResponses.ts";

export interface HolderRouteDeps extends ResultRenderDeps {
  store: Store;
  types: CertificateTypeRegistry;
  verifier: Verifier;
  holderAccess: HolderAccess;
  presentations: Presentations;
  traces: UsageTraces;
  guessLimits: GuessLimits;
  limits: RouteLimits;
}

const presentationRequestSchema = z.strictObject({
  fields: z.array(z.string().min(1).max(64)).min(1).max(64),
});

const presentationIdSchema = z.string().regex(/^[0-9a-f]{24}$/);

/** One answer for a wrong secret and an unknown certificate: a guess learns nothing, and is counted. */
const notYours = (): HttpError => new HttpError("NOT_FOUND", "No certificate opens with this holder code");

/**
 * The holder's API, behind the holder secret (`Authorization: Holder <secret>`): the whole
 * certificate and its status, live presentations, usage traces, switching the link off.
 */
export function holderRoutes(deps: HolderRouteDeps): Router {
  const router = Router();
  router.use("/holder/:id", ...guessLimiters(deps.guessLimits, "id", "holder codes"));

  const authorised = async (req: Request): Promise<string> => {
    const id = certificateIdSchema.safeParse(req.params.id);
    const match = /^Holder\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    if (!id.success || !match?.[1]) throw notYours();
    if (!(await deps.holderAccess.check(id.data, match[1]))) throw notYours();
    return id.data;
  };

  router.get("/holder/:id", deps.limits.public, async (req, res) => {
    const id = await authorised(req);
    const [{ result }, record] = await Promise.all([
      deps.verifier.verifyStored(id, null),
      deps.store.getCertificate(id),
    ]);
    if (!record) throw notYours();
    if (req.query.part === "result") {
      sendResult(req, res, deps, { result, requestedId: id });
      return;
    }
    const type = deps.types.find(record.type);
    const subject = (record.document.subject ?? {}) as Record<string, unknown>;
    res.set("Cache-Control", "no-store").json({
      id,
      type: record.type,
      state: record.state,
      status: record.status,
      result,
      fields: (type?.fields ?? []).filter((field) => Object.hasOwn(subject, field.name)).map((field) => field.name),
      presentationTtlSeconds: deps.presentations.ttlSeconds,
      usageTraceRetentionDays: deps.traces.retentionDays,
    });
  });

  router.get("/holder/:id/presentations", deps.limits.public, async (req, res) => {
    const id = await authorised(req);
    const live = await deps.presentations.live(id);
    res.set("Cache-Control", "no-store").json({
      items: live.map((p) => ({ id: p.id, fields: p.fields, createdAt: p.createdAt, expiresAt: p.expiresAt })),
    });
  });

  router.post("/holder/:id/presentations", deps.limits.public, async (req, res) => {
    const id = await authorised(req);
    const body = presentationRequestSchema.parse(req.body);
    const record = await deps.store.getCertificate(id);
    if (!record) throw notYours();
    const subject = (record.document.subject ?? {}) as Record<string, unknown>;
    const unknown = body.fields.filter((name) => !Object.hasOwn(subject, name));
    if (unknown.length > 0)
      throw new HttpError("INVALID_FIELDS", `Not fields of this certificate: ${unknown.join(", ")}`);
    const created = await deps.presentations.create(id, body.fields);
    res
      .status(201)
      .set("Cache-Control", "no-store")
      .json({ ...created, qrSvg: await qrSvg(created.url) });
  });

  router.delete("/holder/:id/presentations/:presentationId", deps.limits.public, async (req, res) => {
    const id = await authorised(req);
    const presentationId = presentationIdSchema.safeParse(req.params.presentationId);
    if (!presentationId.success || !(await deps.presentations.withdraw(id, presentationId.data))) {
      throw new HttpError("PRESENTATION_NOT_LIVE", "This presentation has already ended");
    }
    res.status(204).end();
  });

  router.get("/holder/:id/traces", deps.limits.public, async (req, res) => {
    const id = await authorised(req);
    const traces = await deps.traces.list(id);
    res.set("Cache-Control", "no-store").json({
      retentionDays: deps.traces.retentionDays,
      items: traces.map((trace) => ({ at: trace.at, channel: trace.channel, status: trace.status })),
    });
  });

  router.post("/holder/:id/revoke", deps.limits.public, async (req, res) => {
    const id = await authorised(req);
    await deps.holderAccess.revoke(id);
    res.status(204).end();
  });

  return router;
}
