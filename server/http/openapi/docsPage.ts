import { html } from "../rendering/html.ts";
import { renderLayout } from "../rendering/layout.ts";

interface Operation {
  summary?: string;
  security?: unknown[];
  responses?: Record<string, { description?: string }>;
}

/**
 * The API reference as a plain page (English: it is for developers), served by the service so it
 * works on a closed network; the machine-readable form is /api/v1/openapi.json.
 */
export function renderApiDocsPage(document: Record<string, unknown>): string {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const rows = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(
      ([method, op]) => html`<section class="card">
<h2><code class="mono">${method.toUpperCase()} ${path}</code></h2>
<p>${op.summary ?? ""}${op.security ? " (API key)" : ""}</p>
<ul>${Object.entries(op.responses ?? {}).map(([code, r]) => html`<li><code class="mono">${code}</code> ${r.description ?? ""}</li>`)}</ul>
</section>`,
    ),
  );
  return renderLayout({
    locale: "en",
    title: "API",
    langUrls: { zh: "/api/v1/docs", en: "/api/v1/docs" },
    main: html`<h1>certledger API</h1>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Errors are
<code class="mono">{ "error": { "code", "message" } }</code>.</p>
${rows}`,
  });
}
