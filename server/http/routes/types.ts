import { Router } from "express";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";

export function typeRoutes(types: CertificateTypeRegistry): Router {
  const router = Router();
  router.get("/types", (_req, res) => {
    res.set("Cache-Control", "public, max-age=300").json({ items: types.list() });
  });
  return router;
}
