import type { RequestListener } from "node:http";
import express, { type Express } from "express";
import type { Logger } from "pino";
import type { StatusService } from "../anchoring/statusService.ts";
import type { AuditIndex } from "../audit/auditIndex.ts";
import type { Reconciler } from "../audit/reconcile.ts";
import type { CertificateTypeRegistry } from "../core/registry/registry.ts";
import type { DivisionName } from "../i18n/index.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { HolderAccess } from "../services/holder/holderAccess.ts";
import type { Presentations } from "../services/holder/presentations.ts";
import type { UsageTraces } from "../services/holder/usageTraces.ts";
import type { IssuanceService } from "../services/issuance.ts";
import type { Verifier } from "../services/verifier.ts";
import type { Store } from "../store/port.ts";
import { HttpError } from "./errors.ts";
import { cors } from "./middleware/cors.ts";
import { errorHandler } from "./middleware/errorHandler.ts";
import { DEFAULT_CODE_LIMITS, DEFAULT_HOLDER_SECRET_LIMITS, type GuessLimits } from "./middleware/guessLimits.ts";
import { observe } from "./middleware/observe.ts";
import { securityHeaders } from "./middleware/securityHeaders.ts";
import { createRouteLimits } from "./rateLimits.ts";
import { createRequestListener } from "./fastPaths/listener.ts";
import { issueFastPath } from "./fastPaths/issue.ts";
import { scanFastPath } from "./fastPaths/scan.ts";
import { pageRoutes } from "./pages/routes.ts";
import { auditRoutes } from "./routes/audit.ts";
import { certificateRoutes } from "./routes/certificates.ts";
import { healthRoutes, type ReadinessReport } from "./routes/health.ts";
import { holderRoutes } from "./routes/holder.ts";
import { presentationRoutes } from "./routes/presentations.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { typeRoutes } from "./routes/types.ts";
import { verifyRoutes } from "./routes/verify.ts";
import { federationRoutes, type FederationRouteDeps } from "./routes/federation.ts";
import { STATIC_DIR, STATIC_URL_PREFIX } from "./rendering/index.ts";

export interface AppDeps {
  http: {
    publicUrl: string;
    bodyLimitBytes: number;
    rateLimitPerMinute: number;
    corsOrigins: readonly string[];
    trustProxy: boolean | number | readonly string[];
    /** IANA zone for times shown on pages; default Asia/Shanghai */
    timeZone?: string;
  };
  store: Store;
  types: CertificateTypeRegistry;
  issuance: IssuanceService;
  statuses: StatusService;
  verifier: Verifier;
  divisionName: DivisionName;
  readiness: () => Promise<ReadinessReport>;
  metrics: Metrics;
  logger: Logger;
  /** the chain-event index and reconciliation behind `/api/v1/audit/...` */
  audit: { index: AuditIndex; reconciler: Reconciler };
  /** what the holder controls: their secret link, live presentations, usage traces */
  holder: {
    access: HolderAccess;
    presentations: Presentations;
    traces: UsageTraces;
    /** guessing limits on 8-digit codes and holder secrets (defaults in guessLimits.ts) */
    codeLimits?: GuessLimits;
    secretLimits?: GuessLimits;
  };
  /** the deployment descriptor, the public certificate fetch, link verification and the trust list's page */
  federation: Pick<FederationRouteDeps, "describe" | "publicDocumentOf" | "links" | "trustList">;
  /** the clock of the pages ("checked on"); default the system clock */
  now?: () => Date;
}

const SMALL_BODY_LIMIT = 1024 * 1024;
const BATCH_PATH = "/api/v1/certificates/batch";

/** What `createApp` gives: the Express app and the listener a server uses. */
export interface HttpSurface {
  /** every route, behind the middleware every answer goes through */
  app: Express;
  /**
   * what a server listens with: `app`, with the QR scan's JSON answer and single issuance in front
   * of it (`fastPaths/`)
   */
  listener: RequestListener;
}

/** The whole HTTP surface, without listening: `serviceLifetime.ts` listens, tests use port 0. */
export function createApp(deps: AppDeps): HttpSurface {
  const app = express();
  app.disable("x-powered-by");
  // Express hashes every response body for an ETag; verification answers are no-store and pages
  // are small, so the hash is pure cost on the hottest route.
  app.set("etag", false);
  const trustProxy = deps.http.trustProxy;
  app.set("trust proxy", typeof trustProxy === "object" ? trustProxy.join(",") : trustProxy);
  app.set("query parser", "simple");

  const limits = createRouteLimits(deps.http.rateLimitPerMinute);

  app.use(observe(deps.metrics, deps.logger));
  app.use(securityHeaders());
  app.use(cors(deps.http.corsOrigins));

  const rendering = {
    types: deps.types,
    divisionName: deps.divisionName,
    publicUrl: deps.http.publicUrl,
    timeZone: deps.http.timeZone ?? "Asia/Shanghai",
    now: deps.now ?? (() => new Date()),
  };
  const verify = verifyRoutes({
    ...rendering,
    verifier: deps.verifier,
    store: deps.store,
    traces: deps.holder.traces,
    metrics: deps.metrics,
    limits,
  });
  // The QR target is the busiest route by far and reads no body: it comes before the body parser
  // and every other router, so a scan does not walk past them.
  app.get("/v/:id", limits.public, verify.scan);
  // Anonymous requests get a small body limit; only the authenticated batch route reads large ones.
  const jsonBody = express.json({
    limit: SMALL_BODY_LIMIT,
    strict: true,
    type: (req) => !(req.url ?? "").startsWith(BATCH_PATH) && /\bjson\b/i.test(req.headers["content-type"] ?? ""),
  });
  app.use(jsonBody);
  // Issuance is the busiest authenticated route: its router comes first of the API's, so an
  // officer's request does not walk every page's and public route's pattern on its way. Its paths
  // (`/api/v1/certificates...`) overlap no other router's.
  app.use(
    "/api/v1",
    certificateRoutes({
      store: deps.store,
      issuance: deps.issuance,
      statuses: deps.statuses,
      holderAccess: deps.holder.access,
      publicUrl: deps.http.publicUrl,
      batchBodyLimitBytes: deps.http.bodyLimitBytes,
      limits,
    }),
  );

  app.use(healthRoutes({ readiness: deps.readiness, metrics: deps.metrics, limits }));
  // browsers ask for it on every page; there is no icon, and a 404 would fill the logs
  app.get("/favicon.ico", limits.unlimited, (_req, res) => {
    res.set("Cache-Control", "public, max-age=86400").status(204).end();
  });
  app.use(
    STATIC_URL_PREFIX,
    limits.assets,
    express.static(STATIC_DIR, { maxAge: "1h", index: false, fallthrough: true }),
  );

  const federation = federationRoutes({
    ...rendering,
    ...deps.federation,
    verifier: deps.verifier,
    traces: deps.holder.traces,
    metrics: deps.metrics,
    limits,
  });
  app.use(federation.pages);
  app.use(
    presentationRoutes({
      ...rendering,
      presentations: deps.holder.presentations,
      metrics: deps.metrics,
      guessLimits: deps.holder.codeLimits ?? DEFAULT_CODE_LIMITS,
      limits,
    }),
  );
  app.use(pageRoutes({ types: deps.types, publicUrl: deps.http.publicUrl, limits }));
  app.use(
    "/api/v1",
    holderRoutes({
      ...rendering,
      store: deps.store,
      verifier: deps.verifier,
      holderAccess: deps.holder.access,
      presentations: deps.holder.presentations,
      traces: deps.holder.traces,
      guessLimits: deps.holder.secretLimits ?? DEFAULT_HOLDER_SECRET_LIMITS,
      limits,
    }),
  );
  app.use("/api/v1", verify.api);
  app.use("/api/v1", federation.api);
  app.use("/api/v1", typeRoutes(deps.types, limits));
  app.use("/api/v1", openApiRoutes(limits));
  app.use(auditRoutes({ store: deps.store, types: deps.types, ...deps.audit, limits }));

  app.use(limits.public, (_req, _res, next) => {
    next(new HttpError("NOT_FOUND", "No such endpoint"));
  });
  app.use(limits.errors, errorHandler(deps.logger));
  const observed = { metrics: deps.metrics, logger: deps.logger };
  const listener = createRequestListener(
    app,
    [
      scanFastPath({ app, publicLimit: limits.public, scanAnswer: verify.scanAnswer, ...observed }),
      issueFastPath({ app, jsonBody, limits, store: deps.store, issuance: deps.issuance, ...observed }),
    ],
    deps.http.corsOrigins,
  );
  return { app, listener };
}
