import { Router } from "express";
import type { Metrics } from "../../observability/metrics.ts";
import type { RouteLimits } from "../rateLimits.ts";

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export function healthRoutes(deps: {
  readiness: () => Promise<ReadinessReport>;
  metrics: Metrics;
  limits: RouteLimits;
}): Router {
  const router = Router();
  // probes and scrapers run on a schedule of their own; readiness answers within its own deadline
  const limit = deps.limits.unlimited;
  router.get("/healthz", limit, (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", limit, async (_req, res) => {
    const report = await deps.readiness();
    res.status(report.ready ? 200 : 503).json(report);
  });
  router.get("/metrics", limit, async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
