import { Router } from "express";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import type { RouteLimits } from "../rateLimits.ts";

export function typeRoutes(types: CertificateTypeRegistry, limits: RouteLimits): Router {
  const router = Router();
  router.get("/types", limits.assets, (_req, res) => {
    res.set("Cache-Control", "public, max-age=300").json({ items: types.list() });
  });
  return router;
}
