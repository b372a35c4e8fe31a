import { expect } from "chai";
import express, { type Express } from "express";
import { createRouteLimits, RATE_LIMIT_CLASS } from "../../server/http/rateLimits.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

interface Layer {
  route?: { path: string; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
}

/** Every route of `app` whose first handler is not a rate-limit declaration, as "path". */
function undeclaredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: readonly Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        const first = layer.route.stack[0]?.handle as Record<symbol, unknown> | undefined;
        if (first?.[RATE_LIMIT_CLASS] === undefined) found.push(layer.route.path);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

describe("HTTP: every route declares its rate limit", function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it("finds a declaration as the first handler of every route of the service", () => {
    expect(undeclaredRoutes(h.runtime.app)).to.deep.equal([]);
  });

  it("would notice a route added without one, in a nested router too", () => {
    const limits = createRouteLimits(10);
    const app = express();
    const router = express.Router();
    router.get("/declared", limits.public, (_req, res) => res.end());
    router.get("/forgotten", (_req, res) => res.end());
    app.use("/api", router);
    app.get("/also-forgotten", (_req, res) => res.end());
    expect(undeclaredRoutes(app)).to.deep.equal(["/forgotten", "/also-forgotten"]);
  });
});
