import { Router } from "express";
import type { Metrics } from "../../observability/metrics.ts";

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export function healthRoutes(deps: { readiness: () => Promise<ReadinessReport>; metrics: Metrics }): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const report = await deps.readiness();
    res.status(report.ready ? 200 : 503).json(report);
  });
  router.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
