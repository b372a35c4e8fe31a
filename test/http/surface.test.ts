import { expect } from "chai";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

describe("HTTP: health, metrics, types, OpenAPI, errors", function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it("is live and ready when chain and database answer", async () => {
    expect((await call(h.url, "GET", "/healthz")).body).to.deep.equal({ status: "ok" });
    const ready = await call<{ ready: boolean; checks: Record<string, { ok: boolean }> }>(h.url, "GET", "/readyz");
    expect(ready.status).to.equal(200);
    expect(ready.body.ready).to.equal(true);
    expect(ready.body.checks.chain?.ok).to.equal(true);
    expect(ready.body.checks.database?.ok).to.equal(true);
  });

  it("exposes Prometheus metrics, including certificates by state", async () => {
    const r = await call<string>(h.url, "GET", "/metrics", { headers: { accept: "text/plain" } });
    expect(r.status).to.equal(200);
    expect(r.body).to.include("certledger_http_requests_total");
    expect(r.body).to.match(/certledger_certificates\{state="pending"\} \d+/);
  });

  it("counts the event loop's busy time in a counter that grows as the service works", async () => {
    const busy = async () => {
      const text = (await call<string>(h.url, "GET", "/metrics", { headers: { accept: "text/plain" } })).body;
      return Number(/^certledger_event_loop_busy_seconds_total (\S+)$/m.exec(text)?.[1]);
    };
    const before = await busy();
    for (let i = 0; i < 20; i++) await call(h.url, "GET", "/api/v1/types");
    const after = await busy();
    expect(before).to.be.greaterThan(0);
    expect(after).to.be.greaterThan(before);
  });

  it("lists the certificate types with their field schemas and labels", async () => {
    const r = await call<{
      items: { name: string; typeId: number; fields: unknown[]; labels: { zh: string; en: string } }[];
    }>(h.url, "GET", "/api/v1/types");
    expect(r.body.items.map((t) => t.name)).to.include.members([
      "business-licence",
      "food-business-permit",
      "professional-qualification",
      "diploma",
      "driving-licence",
    ]);
  });

  it("says for every field how the public page shows it, and what each class means", async () => {
    const r = await call<{
      items: { name: string; fields: { name: string; disclosure: string; mask?: string }[] }[];
      disclosureClasses: Record<string, string>;
      definitionSchema: { $schema: string };
    }>(h.url, "GET", "/api/v1/types");
    expect(Object.keys(r.body.disclosureClasses)).to.deep.equal(["public", "masked", "private"]);
    expect(r.body.definitionSchema.$schema).to.include("2020-12");
    expect(JSON.stringify(r.body.definitionSchema)).to.include("how the public page shows the field");
    for (const type of r.body.items)
      for (const field of type.fields)
        expect(["public", "masked", "private"], `${type.name}.${field.name}`).to.include(field.disclosure);
    const licence = r.body.items.find((t) => t.name === "driving-licence")!;
    expect(licence.fields.find((f) => f.name === "address")).to.include({ disclosure: "masked", mask: "address" });
    expect(licence.fields.find((f) => f.name === "dateOfBirth")).to.include({ disclosure: "private" });
  });

  it("describes every route in its OpenAPI 3.1 document, and serves a docs page", async () => {
    const doc = await call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      h.url,
      "GET",
      "/api/v1/openapi.json",
    );
    expect(doc.body.openapi).to.equal("3.1.0");
    const documented = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const routes = listRoutes(h.runtime.app);
    for (const route of routes) expect(documented, `${route} is not documented`).to.include(route);
    const page = await fetch(`${h.url}/api/v1/docs`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include("POST /api/v1/certificates/batch");
  });

  it("answers unknown endpoints with the error shape, 404", async () => {
    const r = await call<{ error: { code: string; message: string } }>(h.url, "GET", "/api/v1/nothing");
    expect(r.status).to.equal(404);
    expect(r.body.error.code).to.equal("NOT_FOUND");
    expect(r.body.error.message).to.be.a("string");
  });

  it("refuses oversized anonymous bodies with 413", async () => {
    const r = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/verify", {
      raw: JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(r.status).to.equal(413);
    expect(r.body.error.code).to.equal("PAYLOAD_TOO_LARGE");
  });

  it("sends security headers and no CORS by default", async () => {
    const response = await fetch(`${h.url}/healthz`, { headers: { origin: "https://elsewhere.example" } });
    expect(response.headers.get("content-security-policy")).to.include("default-src 'self'");
    expect(response.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(response.headers.get("access-control-allow-origin")).to.equal(null);
  });
});

/** "METHOD /path/{param}" of every route the Express app serves. */
function listRoutes(app: unknown): string[] {
  const found: string[] = [];
  const walk = (stack: unknown[], prefix: string): void => {
    for (const layer of stack as {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: unknown[] };
      matchers?: unknown;
    }[]) {
      if (layer.route) {
        const path = (prefix + layer.route.path).replace(/:(\w+)/g, "{$1}");
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix);
      }
    }
  };
  const router = (app as { router: { stack: unknown[] } }).router;
  walk(router.stack, "");
  return found.map((r) => r.replace(/^(\w+) \/(certificates|verify|types|openapi\.json|docs|holder)/, "$1 /api/v1/$2"));
}
