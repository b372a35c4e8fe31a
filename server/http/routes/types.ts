import { Router } from "express";
import { z } from "zod";
import { certificateTypeSchema, DISCLOSURE_MEANINGS, MASK_KINDS } from "../../core/registry/definition.ts";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import type { RouteLimits } from "../rateLimits.ts";

/** The JSON Schema (draft 2020-12) a type definition follows, `disclosure` and `mask` described. */
const DEFINITION_SCHEMA = z.toJSONSchema(certificateTypeSchema, {
  target: "draft-2020-12",
  io: "input",
  unrepresentable: "any",
});

export function typeRoutes(types: CertificateTypeRegistry, limits: RouteLimits): Router {
  const router = Router();
  router.get("/types", limits.assets, (_req, res) => {
    res.set("Cache-Control", "public, max-age=300").json({
      items: types.list(),
      disclosureClasses: DISCLOSURE_MEANINGS,
      maskKinds: MASK_KINDS,
      definitionSchema: DEFINITION_SCHEMA,
    });
  });
  return router;
}
