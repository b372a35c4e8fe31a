import { Router } from "express";
import { openApiDocument } from "../openapi/document.ts";
import { renderApiDocsPage } from "../openapi/docsPage.ts";

export function openApiRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  const page = renderApiDocsPage(document);
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  router.get("/docs", (_req, res) => {
    res.type("html").send(page);
  });
  return router;
}
