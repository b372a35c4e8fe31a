import express, { Router, type Response } from "express";
import type { StatusService } from "../../anchoring/statusService.ts";
import { qrPng, qrSvg, verificationUrl } from "../../qr/index.ts";
import type { HolderAccess, HolderLink } from "../../services/holder/holderAccess.ts";
import type { IssuanceService, IssueAck, IssueOutcome } from "../../services/issuance.ts";
import type { Store } from "../../store/port.ts";
import type { ApiKeyRecord, CertificateRecord, StatusOpKind } from "../../store/records.ts";
import { HttpError, notFound } from "../errors.ts";
import { apiKeyOf, canRead, requireApiKey } from "../middleware/auth.ts";
import type { RouteLimits } from "../rateLimits.ts";
import {
  batchRequestSchema,
  certificateIdSchema,
  idempotencyKeySchema,
  issueRequestSchema,
  listQuerySchema,
  reinstateSchema,
  revokeSchema,
  suspendSchema,
} from "../schemas.ts";

export interface CertificateRouteDeps {
  store: Store;
  issuance: IssuanceService;
  statuses: StatusService;
  holderAccess: HolderAccess;
  publicUrl: string;
  batchBodyLimitBytes: number;
  limits: RouteLimits;
}

/** Officers see their own agency's certificates only; others get 404, not 403, so ids leak nothing. */
async function readable(store: Store, key: ApiKeyRecord, rawId: unknown): Promise<CertificateRecord> {
  const id = certificateIdSchema.safeParse(rawId);
  if (!id.success) throw notFound("Certificate");
  const record = await store.getCertificate(id.data);
  if (!record || !canRead(key, record.agencyId)) throw notFound("Certificate");
  return record;
}

function view(
  record: CertificateRecord,
  publicUrl: string,
  batch: { root: string; txHash: string | null; blockNumber: number | null } | null,
) {
  const proof = record.document.proof as { chainId?: number; ledger?: string } | undefined;
  return {
    id: record.id,
    type: record.type,
    agencyId: record.agencyId,
    state: record.state,
    leafHash: record.leaf,
    verifyUrl: verificationUrl(publicUrl, record.id, record.leaf),
    status: {
      status: record.status,
      reason: record.statusReason,
      note: record.statusNote,
      updatedAt: record.statusUpdatedAt,
    },
    anchor:
      record.state === "anchored" && batch
        ? {
            root: batch.root,
            index: record.leafIndex,
            txHash: batch.txHash,
            blockNumber: batch.blockNumber,
            chainId: proof?.chainId ?? null,
            ledger: proof?.ledger ?? null,
            anchoredAt: record.anchoredAt,
          }
        : null,
    supersedes: record.supersedes,
    createdAt: record.createdAt,
    document: record.document,
  };
}

/**
 * The holder links of newly issued certificates, shown to the officer in this answer only. A
 * replayed request gets `holder: null`: the secrets were never stored, so an officer who lost the
 * first answer gives the holder a new link (`POST /certificates/:id/holder-link`).
 */
const withHolderLinks = ({ acks, holderLinks }: IssueOutcome): (IssueAck & { holder: HolderLink | null })[] =>
  acks.map((ack) => ({ ...ack, holder: holderLinks.get(ack.id) ?? null }));

function idempotencyKey(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const parsed = idempotencyKeySchema.safeParse(raw);
  if (!parsed.success)
    throw new HttpError("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be 1-200 printable characters");
  return parsed.data;
}

/** What `POST /certificates` answers with 202: the certificate's acknowledgement and where it lives. */
export interface IssuedOne {
  ack: IssueAck & { holder: HolderLink | null };
  /** true when the Idempotency-Key was seen before with the same request (`Idempotent-Replayed`) */
  replayed: boolean;
  location: string;
}

/**
 * `POST /certificates` from its parsed body on: the route below and the issuance fast path
 * (`fastPaths/issue.ts`) both answer with this, so what is checked, in which order, is one code.
 */
export async function issueOne(
  issuance: IssuanceService,
  key: ApiKeyRecord,
  body: unknown,
  idempotencyHeader: string | undefined,
): Promise<IssuedOne> {
  const request = issueRequestSchema.parse(body);
  const outcome = await issuance.issue(key, [request], idempotencyKey(idempotencyHeader));
  const [ack] = withHolderLinks(outcome);
  if (ack === undefined) throw new Error("unreachable: one request gives one acknowledgement");
  return { ack, replayed: outcome.replayed, location: `/api/v1/certificates/${ack.id}` };
}

export function certificateRoutes(deps: CertificateRouteDeps): Router {
  const router = Router();
  const issuers = requireApiKey(deps.store, ["issuer"]);
  const readers = requireApiKey(deps.store, ["issuer", "auditor"]);
  const limit = deps.limits.api;

  router.post("/certificates", limit, issuers, async (req, res) => {
    const issued = await issueOne(deps.issuance, apiKeyOf(res), req.body, req.get("idempotency-key"));
    if (issued.replayed) res.set("Idempotent-Replayed", "true");
    res.status(202).location(issued.location).json(issued.ack);
  });

  router.post(
    "/certificates/batch",
    limit,
    issuers,
    express.json({ limit: deps.batchBodyLimitBytes, strict: true }),
    async (req, res) => {
      const body = batchRequestSchema.parse(req.body);
      const outcome = await deps.issuance.issue(apiKeyOf(res), body.items, idempotencyKey(req.get("idempotency-key")));
      if (outcome.replayed) res.set("Idempotent-Replayed", "true");
      res.status(202).json({
        count: outcome.acks.length,
        items: withHolderLinks(outcome),
      });
    },
  );

  router.get("/certificates", limit, readers, async (req, res) => {
    const q = listQuerySchema.parse(req.query);
    const key = apiKeyOf(res);
    if (key.role === "issuer" && q.agencyId !== undefined && q.agencyId !== key.agencyId) {
      res.json({ items: [], next: null });
      return;
    }
    const agencyId = key.role === "issuer" ? (key.agencyId ?? -1) : q.agencyId;
    const records = await deps.store.queryCertificates({
      ...(agencyId === undefined ? {} : { agencyId }),
      ...(q.type ? { type: q.type } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from ? { createdFrom: new Date(q.from).toISOString() } : {}),
      ...(q.to ? { createdTo: new Date(q.to).toISOString() } : {}),
      ...(q.after ? { after: q.after } : {}),
      limit: q.limit,
    });
    res.json({
      items: records.map((r) => ({
        id: r.id,
        type: r.type,
        agencyId: r.agencyId,
        state: r.state,
        status: r.status,
        leafHash: r.leaf,
        createdAt: r.createdAt,
        anchoredAt: r.anchoredAt,
      })),
      next: records.length === q.limit ? (records.at(-1)?.id ?? null) : null,
    });
  });

  router.get("/certificates/:id", limit, readers, async (req, res) => {
    const record = await readable(deps.store, apiKeyOf(res), req.params.id);
    const batch = record.batchId === null ? null : await deps.store.getBatch(record.batchId);
    res.json(view(record, deps.publicUrl, batch));
  });

  router.get("/certificates/:id/document", limit, readers, async (req, res) => {
    const record = await readable(deps.store, apiKeyOf(res), req.params.id);
    if (record.state !== "anchored") {
      throw new HttpError(
        "CERTIFICATE_PENDING",
        "The certificate is not anchored yet; its document has no proof until it is",
      );
    }
    res.set("Content-Disposition", `attachment; filename="${record.id}.json"`).json(record.document);
  });

  const sendQr = async (res: Response, id: unknown, format: "png" | "svg"): Promise<void> => {
    const record = await readable(deps.store, apiKeyOf(res), id);
    const url = verificationUrl(deps.publicUrl, record.id, record.leaf);
    // a certificate's link, so its QR code, never changes
    res.set("Cache-Control", "private, max-age=31536000, immutable");
    if (format === "png") res.type("image/png").send(await qrPng(url));
    else res.type("image/svg+xml").send(await qrSvg(url));
  };
  router.get("/certificates/:id/qr.png", limit, readers, async (req, res) => {
    await sendQr(res, req.params.id, "png");
  });
  router.get("/certificates/:id/qr.svg", limit, readers, async (req, res) => {
    await sendQr(res, req.params.id, "svg");
  });

  router.post("/certificates/:id/holder-link", limit, issuers, async (req, res) => {
    const key = apiKeyOf(res);
    const record = await readable(deps.store, key, req.params.id);
    if (key.agencyId !== record.agencyId) throw notFound("Certificate");
    res
      .status(201)
      .set("Cache-Control", "no-store")
      .json({ id: record.id, holder: await deps.holderAccess.replace(record.id) });
  });

  const change = (
    kind: StatusOpKind,
    parse: (body: unknown) => { reason?: string | undefined; note?: string | undefined },
  ) =>
    router.post(`/certificates/:id/${kind}`, limit, issuers, async (req, res) => {
      const body = parse(req.body ?? {});
      const key = apiKeyOf(res);
      const record = await readable(deps.store, key, req.params.id);
      const op = await deps.statuses.request(record, {
        kind,
        reason: (body.reason ?? null) as Parameters<StatusService["request"]>[1]["reason"],
        note: body.note ?? null,
        requestedBy: key.id,
      });
      if (op.state !== "done") {
        res.status(202).json({
          id: record.id,
          status: record.status,
          pending: { operation: op.id, action: kind },
          message: `The ${kind} is recorded and will be written to the ledger as soon as the chain confirms it; the certificate's status changes then`,
        });
        return;
      }
      const updated = await deps.store.getCertificate(record.id);
      res.json({
        id: record.id,
        status: updated?.status ?? record.status,
        reason: updated?.statusReason ?? null,
        txHash: op.txHash,
        blockNumber: op.blockNumber,
      });
    });
  change("revoke", (b) => revokeSchema.parse(b));
  change("suspend", (b) => suspendSchema.parse(b));
  change("reinstate", (b) => reinstateSchema.parse(b));

  return router;
}
