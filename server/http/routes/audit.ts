import { Router, type Response } from "express";
import { z } from "zod";
import type { AuditIndex, EventFilter } from "../../audit/auditIndex.ts";
import { EVENT_KINDS } from "../../audit/events.ts";
import { eventView, streamExport, type TypeName } from "../../audit/exportFormat.ts";
import { certificateHistory } from "../../audit/history.ts";
import type { Reconciler } from "../../audit/reconcile.ts";
import { agencySummary } from "../../audit/summary.ts";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import type { Store } from "../../store/port.ts";
import { notFound } from "../errors.ts";
import { apiKeyOf, canRead, requireApiKey } from "../middleware/auth.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { certificateIdSchema } from "../schemas.ts";

export interface AuditRouteDeps {
  store: Store;
  types: CertificateTypeRegistry;
  index: AuditIndex;
  reconciler: Reconciler;
  limits: RouteLimits;
}

/** Mounted at the root with full paths, like the surface test lists them: `/api/v1/audit/...`. */
export const AUDIT_PREFIX = "/api/v1/audit";

const agencyIdSchema = z.coerce.number().int().min(0).max(0xffffffff);
const isoTime = z.iso.datetime({ offset: true }).transform((t) => Math.floor(Date.parse(t) / 1000));
const block = z.coerce.number().int().nonnegative();

const eventsQuerySchema = z.strictObject({
  from: isoTime.optional(),
  to: isoTime.optional(),
  fromBlock: block.optional(),
  toBlock: block.optional(),
  kind: z
    .string()
    .transform((s) => s.split(",").map((k) => k.trim()))
    .pipe(z.array(z.enum(EVENT_KINDS)).min(1))
    .optional(),
  after: z
    .string()
    .regex(/^\d+-\d+$/, "a `next` value of an earlier page")
    .transform((s) => {
      const [blockNumber = 0, logIndex = 0] = s.split("-").map(Number);
      return { blockNumber, logIndex };
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(["json", "csv", "ndjson"]).default("json"),
});

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", ndjson: "application/x-ndjson; charset=utf-8" } as const;

/** Auditors read every agency; an officer key only its own agency, and gets 404 for the others. */
function readableAgency(res: Response, raw: unknown): number {
  const parsed = agencyIdSchema.safeParse(raw);
  if (!parsed.success || !canRead(apiKeyOf(res), parsed.data)) throw notFound("Agency");
  return parsed.data;
}

export function auditRoutes(deps: AuditRouteDeps): Router {
  const router = Router();
  const readers = requireApiKey(deps.store, ["issuer", "auditor"]);
  const auditors = requireApiKey(deps.store, ["auditor"]);
  const limit = deps.limits.api;
  const typeName: TypeName = (typeId) => deps.types.byTypeId(typeId)?.name;

  router.get(`${AUDIT_PREFIX}/certificates/:id/history`, limit, readers, async (req, res) => {
    const id = certificateIdSchema.safeParse(req.params.id);
    const record = id.success ? await deps.store.getCertificate(id.data) : null;
    if (!record || !canRead(apiKeyOf(res), record.agencyId)) throw notFound("Certificate");
    res.json(await certificateHistory({ store: deps.store, index: deps.index }, record));
  });

  router.get(`${AUDIT_PREFIX}/agencies/:agencyId/events`, limit, readers, async (req, res) => {
    const agencyId = readableAgency(res, req.params.agencyId);
    const q = eventsQuerySchema.parse(req.query);
    const filter: EventFilter = {
      agencyId,
      ...(q.kind ? { kinds: q.kind } : {}),
      ...(q.from === undefined ? {} : { fromTime: q.from }),
      ...(q.to === undefined ? {} : { toTime: q.to }),
      ...(q.fromBlock === undefined ? {} : { fromBlock: q.fromBlock }),
      ...(q.toBlock === undefined ? {} : { toBlock: q.toBlock }),
      ...(q.after ? { after: q.after } : {}),
    };
    if (q.format === "json") {
      const page = deps.index.page(filter, q.limit);
      const last = page.at(-1);
      res.json({
        items: page.map((e) => eventView(e, typeName)),
        next: page.length === q.limit && last ? `${last.blockNumber}-${last.logIndex}` : null,
        indexedThrough: deps.index.indexedThrough(),
      });
      return;
    }
    // an export is a snapshot: what the indexer adds while it streams is left for the next one
    const through = deps.index.indexedThrough() ?? -1;
    filter.toBlock = Math.min(filter.toBlock ?? through, through);
    res.status(200);
    res.set({
      "Content-Type": CONTENT_TYPES[q.format],
      "Content-Disposition": `attachment; filename="agency-${agencyId}-events.${q.format}"`,
      "Cache-Control": "no-store",
    });
    try {
      await streamExport(res, deps.index.iterate(filter), q.format, typeName);
    } catch (error) {
      // the reader went away or the stream broke mid-way: the status is sent, nothing to answer
      if (!res.destroyed) res.destroy(error as Error);
    }
  });

  router.get(`${AUDIT_PREFIX}/agencies/:agencyId/summary`, limit, readers, (req, res) => {
    const agencyId = readableAgency(res, req.params.agencyId);
    res.json(agencySummary(deps.index, agencyId, typeName));
  });

  router.get(`${AUDIT_PREFIX}/reconcile`, limit, auditors, async (_req, res) => {
    res.json(await deps.reconciler.run());
  });

  return router;
}
