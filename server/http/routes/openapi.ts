import { Router } from "express";
import { openApiDocument } from "../openapi/document.ts";
import { renderApiDocsPage } from "../openapi/docsPage.ts";
import type { RouteLimits } from "../rateLimits.ts";

export function openApiRoutes(limits: RouteLimits): Router {
  const router = Router();
  const document = openApiDocument();
  const page = renderApiDocsPage(document);
  router.get("/openapi.json", limits.assets, (_req, res) => {
    res.json(document);
  });
  router.get("/docs", limits.assets, (_req, res) => {
    res.type("html").send(page);
  });
  return router;
}
