import { z } from "zod";
import { VERIFICATION_STATUSES } from "../../core/verification/result.ts";
import { HTTP_ERROR_STATUS } from "../errors.ts";
import { batchRequestSchema, issueRequestSchema, reinstateSchema, revokeSchema, suspendSchema } from "../schemas.ts";

const json = (schema: object) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });
const idParam = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: "^[0-9A-HJKMNP-TV-Z]{26}$" },
};
const auth = [{ apiKey: [] }];
const langParam = { name: "lang", in: "query", required: false, schema: { enum: ["zh", "en"] } };
const agencyParam = { name: "agencyId", in: "path", required: true, schema: { type: "integer", minimum: 0 } };
const query = (name: string, schema: object, description: string) => ({
  name,
  in: "query",
  required: false,
  schema,
  description,
});

const requestSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });

const statusChange = (summary: string, body: z.ZodType) => ({
  post: {
    summary,
    security: auth,
    parameters: [idParam],
    requestBody: { required: true, content: json(requestSchema(body)) },
    responses: {
      "200": { description: "Confirmed on chain", content: json(ref("StatusChange")) },
      "202": {
        description:
          "Recorded, but the chain cannot confirm it now (down, slow): the service writes it as soon as it can; the status is unchanged until then",
        content: json(ref("StatusChangePending")),
      },
      "400": errorResponse("Invalid body"),
      "401": errorResponse("No or bad API key"),
      "404": errorResponse("No such certificate for this agency"),
      "409": errorResponse(
        "Not anchored yet (CERTIFICATE_PENDING), the transition is not allowed (INVALID_TRANSITION), another change of this certificate is not confirmed yet (STATUS_CHANGE_PENDING), or the ledger refused it (CHAIN_REJECTED)",
      ),
      "503": errorResponse("The database cannot be reached: nothing was recorded"),
    },
  },
});

/** The OpenAPI 3.1 description of the service; request schemas come from the validators themselves. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "certledger",
      version: "1",
      description:
        "Issue government certificates whose hashes are anchored on an EVM ledger, and verify them by document or QR link.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An officer (issuer) or auditor API key" },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: {
                  enum: Object.keys(HTTP_ERROR_STATUS),
                  description: "one closed list; each code always comes with the same HTTP status",
                },
                message: { type: "string" },
                details: {},
              },
            },
          },
        },
        IssueAck: {
          type: "object",
          required: ["id", "state", "leafHash", "verifyUrl", "qr"],
          properties: {
            id: { type: "string" },
            state: { const: "pending" },
            leafHash: { type: "string" },
            verifyUrl: { type: "string", format: "uri" },
            qr: { type: "object", properties: { png: { type: "string" }, svg: { type: "string" } } },
          },
        },
        StatusChange: {
          type: "object",
          properties: {
            id: { type: "string" },
            status: { enum: ["active", "suspended", "revoked"] },
            reason: { type: ["string", "null"] },
            txHash: { type: ["string", "null"] },
            blockNumber: { type: ["integer", "null"] },
          },
        },
        StatusChangePending: {
          type: "object",
          required: ["id", "status", "pending", "message"],
          properties: {
            id: { type: "string" },
            status: {
              enum: ["active", "suspended", "revoked"],
              description: "the status until the change is confirmed",
            },
            pending: {
              type: "object",
              properties: { operation: { type: "integer" }, action: { enum: ["revoke", "suspend", "reinstate"] } },
            },
            message: { type: "string" },
          },
        },
        VerificationResult: {
          type: "object",
          required: ["valid", "status", "checks", "certificate", "anchor", "warnings"],
          properties: {
            valid: { type: "boolean" },
            status: {
              enum: [...VERIFICATION_STATUSES],
              description:
                "UNTRUSTED_LEDGER: anchored on a ledger (or chain) this service does not recognise: neither its own deployment nor one on its signed trust list. Never VALID, whatever that ledger says; the `network` check names the ledger. WRONG_NETWORK: a recognised deployment on a chain this service does not read, or no ledger at the address.",
            },
            checks: {
              type: "array",
              items: {
                type: "object",
                properties: { name: { type: "string" }, passed: { type: "boolean" }, detail: { type: "string" } },
              },
            },
            certificate: { type: ["object", "null"] },
            anchor: { type: ["object", "null"] },
            revocation: {
              type: "object",
              description:
                "present when revoked or suspended: state, scope, reason, time and the actor (officer key or governance) that made the change",
            },
            issuingService: {
              type: "object",
              description:
                "present when the certificate was fetched from another deployment on this service's trust list and verified here: { name: { zh, en }, origin }",
            },
            restoration: {
              type: "object",
              description:
                "present when governance restored the certificate (or its batch) after a compromised key changed it: scope, at, txHash, actor, undid",
            },
            warnings: {
              type: "array",
              description: "Codes with parameters, which pages translate; `message` says the same in English.",
              items: {
                type: "object",
                required: ["code", "params", "message"],
                properties: {
                  code: { enum: ["SUPERSEDED", "AGENCY_NOT_ACTIVE"] },
                  params: { type: "object", additionalProperties: { type: "string" } },
                  message: { type: "string" },
                },
              },
            },
            presentation: {
              type: "object",
              description:
                "Present when the answer is a holder's live presentation (or one that ended: PRESENTATION_EXPIRED).",
              properties: {
                presentedAt: { type: "string", format: "date-time" },
                expiresAt: { type: "string", format: "date-time" },
                fields: { type: "array", items: { type: "string" } },
                withdrawnAt: { type: "string", format: "date-time" },
              },
            },
          },
        },
        HolderLink: {
          type: "object",
          description:
            "Shown once: the secret is stored only as its hash. `url` carries it in the fragment (`/h/<id>#<secret>`), which browsers never send.",
          properties: {
            code: { type: "string", description: "the secret grouped by four, for the paper copy" },
            url: { type: "string", format: "uri" },
          },
        },
      },
    },
    paths: {
      "/healthz": { get: { summary: "Liveness", responses: { "200": { description: "The process is up" } } } },
      "/readyz": {
        get: {
          summary:
            "Readiness: chain, database and officer signers reachable; which replica anchors for which officer key",
          responses: { "200": { description: "Ready" }, "503": { description: "Not ready (see checks)" } },
        },
      },
      "/favicon.ico": {
        get: { summary: "No icon (204), so browsers stop asking", responses: { "204": { description: "No content" } } },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics", responses: { "200": { description: "Text exposition format" } } },
      },
      "/api/v1/openapi.json": {
        get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
      },
      "/api/v1/docs": { get: { summary: "This document as a page", responses: { "200": { description: "HTML" } } } },
      "/api/v1/types": {
        get: {
          summary:
            "Certificate types and their field schemas; each field names its disclosure class (public, masked, private) for the public QR page",
          responses: {
            "200": {
              description:
                "`{ items, disclosureClasses, maskKinds, definitionSchema }`: the type registry, what each class means, and the JSON Schema of a type definition",
            },
          },
        },
      },
      "/api/v1/certificates": {
        get: {
          summary: "Find certificates (an officer sees its agency's, an auditor all)",
          security: auth,
          parameters: ["agencyId", "type", "state", "status", "from", "to", "after", "limit"].map((name) => ({
            name,
            in: "query",
            required: false,
            schema: { type: "string" },
          })),
          responses: {
            "200": { description: "A page of certificates; `next` continues it" },
            "401": errorResponse("No or bad API key"),
          },
        },
        post: {
          summary: "Issue one certificate (accepted durably, anchored by the batcher)",
          security: auth,
          parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string" } }],
          requestBody: { required: true, content: json(requestSchema(issueRequestSchema)) },
          responses: {
            "202": { description: "Accepted, pending anchoring", content: json(ref("IssueAck")) },
            "400": errorResponse("Invalid request"),
            "401": errorResponse("No or bad API key"),
            "403": errorResponse("Not an issuer key"),
            "422": errorResponse("The certificate does not fit its type, or the Idempotency-Key was reused"),
          },
        },
      },
      "/api/v1/certificates/batch": {
        post: {
          summary: "Issue up to 10,000 certificates at once (all or none)",
          security: auth,
          parameters: [{ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string" } }],
          requestBody: { required: true, content: json(requestSchema(batchRequestSchema)) },
          responses: {
            "202": { description: "Accepted, pending anchoring" },
            "400": errorResponse("Invalid request"),
            "413": errorResponse("Body too large"),
            "422": errorResponse("Items that do not fit their type, each by index"),
          },
        },
      },
      "/api/v1/certificates/{id}": {
        get: {
          summary: "A certificate: document, pipeline state, anchor, current status",
          security: auth,
          parameters: [idParam],
          responses: { "200": { description: "The certificate" }, "404": errorResponse("Not found for this key") },
        },
      },
      "/api/v1/certificates/{id}/document": {
        get: {
          summary: "The holder's portable document with its proof",
          security: auth,
          parameters: [idParam],
          responses: {
            "200": { description: "certledger/2 document" },
            "404": errorResponse("Not found for this key"),
            "409": errorResponse("Not anchored yet"),
          },
        },
      },
      "/api/v1/certificates/{id}/qr.png": {
        get: {
          summary: "QR code (PNG) of the verification link",
          security: auth,
          parameters: [idParam],
          responses: { "200": { description: "image/png" }, "404": errorResponse("Not found for this key") },
        },
      },
      "/api/v1/certificates/{id}/qr.svg": {
        get: {
          summary: "QR code (SVG) of the verification link",
          security: auth,
          parameters: [idParam],
          responses: { "200": { description: "image/svg+xml" }, "404": errorResponse("Not found for this key") },
        },
      },
      "/api/v1/certificates/{id}/revoke": statusChange("Revoke for good (RFC 5280 reason)", revokeSchema),
      "/api/v1/certificates/{id}/suspend": statusChange("Suspend", suspendSchema),
      "/api/v1/certificates/{id}/reinstate": statusChange("Lift a suspension", reinstateSchema),
      "/api/v1/verify": {
        post: {
          summary: "Verify a certificate document (full or disclosed) against the chain",
          description:
            "The ledger is never taken from the document: only this service's own deployment and those on its signed trust list (TRUST_LIST) are trusted, anything else is UNTRUSTED_LEDGER. certledger/1 documents are refused (400 MALFORMED, with a message saying why).",
          requestBody: { required: true, content: json({ type: "object" }) },
          responses: {
            "200": { description: "A verdict, valid or not", content: json(ref("VerificationResult")) },
            "400": errorResponse("Not a certificate document (MALFORMED)"),
            "429": errorResponse("Rate limited"),
            "503": {
              description: "The chain cannot be reached (UNAVAILABLE)",
              content: json(ref("VerificationResult")),
            },
          },
        },
      },
      "/api/v1/audit/certificates/{id}/history": {
        get: {
          summary:
            "A certificate's timeline from the chain-event index: anchored, suspended, reinstated, revoked, batch revoked, superseded by",
          description:
            "Each entry has block number, transaction hash, block time, the acting account and agency, and the RFC 5280 reason.",
          security: auth,
          parameters: [idParam],
          responses: {
            "200": { description: "The history, oldest first" },
            "401": errorResponse("No or bad API key"),
            "404": errorResponse("Not found for this key"),
          },
        },
      },
      "/api/v1/audit/agencies/{agencyId}/events": {
        get: {
          summary:
            "An agency's chain events (registry and ledger), paged; or a streamed CSV / NDJSON export of all of them",
          security: auth,
          parameters: [
            agencyParam,
            query("from", { type: "string", format: "date-time" }, "block time at or after"),
            query("to", { type: "string", format: "date-time" }, "block time at or before"),
            query("fromBlock", { type: "integer" }, "block number at or after"),
            query("toBlock", { type: "integer" }, "block number at or before"),
            query("kind", { type: "string" }, "comma-separated event names, e.g. BatchAnchored,CertificateRevoked"),
            query("after", { type: "string" }, "the `next` value of the previous page"),
            query("limit", { type: "integer", minimum: 1, maximum: 1000, default: 100 }, "page size (JSON only)"),
            query(
              "format",
              { enum: ["json", "csv", "ndjson"], default: "json" },
              "csv and ndjson stream every matching event",
            ),
          ],
          responses: {
            "200": {
              description: "A page `{ items, next, indexedThrough }`, or the export",
              content: { "application/json": {}, "text/csv": {}, "application/x-ndjson": {} },
            },
            "400": errorResponse("Invalid query"),
            "401": errorResponse("No or bad API key"),
            "404": errorResponse("Another agency than the officer key's"),
          },
        },
      },
      "/api/v1/audit/agencies/{agencyId}/summary": {
        get: {
          summary:
            "An agency's figures from the chain: certificates issued per type and month, revocations by reason, batches and sizes",
          security: auth,
          parameters: [agencyParam],
          responses: {
            "200": { description: "The figures" },
            "401": errorResponse("No or bad API key"),
            "404": errorResponse("Another agency than the officer key's"),
          },
        },
      },
      "/api/v1/audit/reconcile": {
        get: {
          summary: "Reconcile the database with the chain (auditor keys only)",
          description:
            "Every anchored certificate proven under a root on chain, every root on chain anchored by this service (UNKNOWN_ROOT otherwise), statuses equal, stored documents hashing to their leaves. Findings: `{ severity, code, certificateId?, root?, detail }`.",
          security: auth,
          responses: {
            "200": { description: "The report; `ok` is false when there is any finding" },
            "401": errorResponse("No or bad API key"),
            "403": errorResponse("Not an auditor key"),
            "503": errorResponse("The chain cannot be reached"),
          },
        },
      },
      "/": { get: { summary: "Redirects to the scan page", responses: { "302": { description: "Location: /scan" } } } },
      "/scan": {
        get: {
          summary:
            "Web page: verify by camera, photo of a QR code, keyboard-wedge scanner, typed 8-digit presentation code, or certificate file (public)",
          parameters: [langParam],
          responses: { "200": { description: "HTML" } },
        },
      },
      "/console": {
        get: {
          summary:
            "Web page: agency console (issue, bulk issue from CSV, find, revoke; officer key entered in the page)",
          parameters: [langParam],
          responses: { "200": { description: "HTML" } },
        },
      },
      "/console/print": {
        get: {
          summary: "Web page: A4 printable certificate with its QR code (officer key of the tab)",
          parameters: [langParam, { name: "id", in: "query", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "HTML" } },
        },
      },
      "/audit": {
        get: {
          summary:
            "Web page: auditor's view (certificate timeline, agency activity and CSV export, reconciliation; auditor key entered in the page)",
          parameters: [langParam],
          responses: { "200": { description: "HTML" } },
        },
      },
      "/api/v1/certificates/{id}/holder-link": {
        post: {
          summary:
            "A new holder link for a certificate of the officer's agency; the old link and its live codes stop working",
          security: auth,
          parameters: [idParam],
          responses: {
            "201": {
              description: "`{ id, holder }` (shown once)",
              content: json({ type: "object", properties: { id: { type: "string" }, holder: ref("HolderLink") } }),
            },
            "404": errorResponse("Not found for this key"),
          },
        },
      },
      "/api/v1/holder/{id}": {
        get: {
          summary:
            "Holder: the whole certificate and its status (`Authorization: Holder <secret>`); `?part=result` gives the rendered result section (HTML)",
          parameters: [
            idParam,
            query("part", { const: "result" }, "the result section as an HTML fragment"),
            langParam,
          ],
          responses: {
            "200": {
              description:
                "`{ id, type, state, status, result, fields, presentationTtlSeconds, usageTraceRetentionDays }`",
            },
            "404": errorResponse("Unknown certificate or wrong holder secret (the same answer)"),
            "429": errorResponse("Too many wrong holder secrets from this client"),
          },
        },
      },
      "/api/v1/holder/{id}/presentations": {
        get: {
          summary: "Holder: live presentations (fields, times; never their codes again)",
          parameters: [idParam],
          responses: {
            "200": { description: "`{ items }`" },
            "404": errorResponse("Unknown certificate or wrong holder secret"),
          },
        },
        post: {
          summary:
            "Holder: present chosen subject fields live: a QR link and an 8-digit code, valid PRESENTATION_TTL_SECONDS (default 300)",
          parameters: [idParam],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["fields"],
              properties: { fields: { type: "array", items: { type: "string" }, minItems: 1 } },
            }),
          },
          responses: {
            "201": {
              description: "`{ id, fields, createdAt, expiresAt, code, url, qrSvg }` (code and url shown once)",
            },
            "400": errorResponse("INVALID_FIELDS: not fields of this certificate"),
            "404": errorResponse("Unknown certificate or wrong holder secret"),
          },
        },
      },
      "/api/v1/holder/{id}/presentations/{presentationId}": {
        delete: {
          summary: "Holder: withdraw a live presentation (it then answers PRESENTATION_EXPIRED)",
          parameters: [idParam, { name: "presentationId", in: "path", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "Withdrawn" }, "409": errorResponse("PRESENTATION_NOT_LIVE") },
        },
      },
      "/api/v1/holder/{id}/traces": {
        get: {
          summary:
            "Holder: when and how the certificate was verified (static-qr, live-qr, live-code, document) within the retention period; no verifier address or user agent is kept",
          parameters: [idParam],
          responses: {
            "200": { description: "`{ retentionDays, items: [{ at, channel, status }] }`, newest first" },
            "404": errorResponse("Unknown certificate or wrong holder secret"),
          },
        },
      },
      "/api/v1/holder/{id}/revoke": {
        post: {
          summary:
            "Holder: switch the holder link off for good (live codes end); the issuing agency can give a new one",
          parameters: [idParam],
          responses: {
            "204": { description: "Switched off" },
            "404": errorResponse("Unknown certificate or wrong holder secret"),
          },
        },
      },
      "/p/{ref}": {
        get: {
          summary:
            "A holder's live presentation by QR token or typed 8-digit code: the chosen fields, verified against the chain (HTML, JSON with Accept: application/json, or the result section with ?part=result)",
          parameters: [{ name: "ref", in: "path", required: true, schema: { type: "string" } }, langParam],
          responses: {
            "200": {
              description: "A verdict; PRESENTATION_EXPIRED once past its time or withdrawn",
              content: { "text/html": {}, ...json(ref("VerificationResult")) },
            },
            "404": errorResponse("UNKNOWN_PRESENTATION (counts towards the guessing limits)"),
            "429": errorResponse("Too many unknown codes from this client, or from everyone"),
            "503": { description: "The chain cannot be reached" },
          },
        },
      },
      "/h/{id}": {
        get: {
          summary:
            "Web page: the holder's page (the holder secret travels in the URL fragment, never to the server's logs)",
          parameters: [idParam, langParam],
          responses: { "200": { description: "HTML" } },
        },
      },
      "/.well-known/certledger.json": {
        get: {
          summary:
            "Deployment descriptor (format certledger-deployment/1, JSON Schema in docs/deployment-descriptor.schema.json): name, chain id, registry, ledger, deployment block, public URL, agencies and jurisdictions, document formats. Cacheable (Cache-Control, ETag, If-None-Match → 304)",
          responses: {
            "200": { description: "The descriptor", content: json({ type: "object" }) },
            "304": { description: "Not modified (If-None-Match)" },
          },
        },
      },
      "/v/{id}/document": {
        get: {
          summary:
            "The anchored certificate as another deployment fetches it to verify it itself: the document with only its public fields shown (the others hidden, still verifiable)",
          parameters: [
            idParam,
            { name: "h", in: "query", required: true, schema: { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } },
          ],
          responses: {
            "200": { description: "A certledger/2 document, disclosed", content: json({ type: "object" }) },
            "404": errorResponse("UNKNOWN_CERTIFICATE: no certificate with this id and hash"),
            "409": errorResponse("CERTIFICATE_PENDING: not anchored yet"),
          },
        },
      },
      "/api/v1/verify-link": {
        post: {
          summary:
            "Verify a QR link `…/v/<id>?h=<hash>`: this service's own, or one of a deployment on its signed trust list (fetched from that deployment with strict limits and verified here against the chain and ledger the list names). A link of any other origin is refused without any request made",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["url"],
              additionalProperties: false,
              properties: { url: { type: "string", maxLength: 2048 } },
            }),
          },
          responses: {
            "200": { description: "A verdict", content: { "text/html": {}, ...json(ref("VerificationResult")) } },
            "400": errorResponse("NOT_A_VERIFICATION_LINK or VALIDATION_ERROR"),
            "404": { description: "Unknown certificate (this service's own link)" },
            "422": errorResponse(
              "UNRECOGNISED_ISSUER: the link's origin is not on the trust list; details { origin, message: { zh, en } }",
            ),
            "429": errorResponse("Rate limited (a tenth of the public limit: each call may contact another service)"),
            "503": {
              description:
                "UNAVAILABLE: the chain, or the issuing service, cannot be reached, or answered too slowly or too much",
              content: json(ref("VerificationResult")),
            },
          },
        },
      },
      "/federation": {
        get: {
          summary: "The deployments this service recognises (its trust list) and when the list expires (HTML, zh/en)",
          responses: { "200": { description: "HTML" } },
        },
      },
      "/v/{id}": {
        get: {
          summary:
            "QR target: verification page (HTML), or the result as JSON with Accept: application/json; shows public fields, masked ones shortened, private ones left out (the verdict covers the whole certificate)",
          parameters: [
            idParam,
            { name: "h", in: "query", required: true, schema: { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } },
          ],
          responses: {
            "200": { description: "A verdict", content: { "text/html": {}, ...json(ref("VerificationResult")) } },
            "400": {
              description: "INCOMPLETE_LINK: `h` missing or damaged (a scanning problem, not a forgery)",
              content: { "text/html": {}, ...json(ref("Error")) },
            },
            "429": {
              description: "Rate limited (the rate-limited page for browsers)",
              content: { "text/html": {}, ...json(ref("Error")) },
            },
            "404": { description: "Unknown certificate" },
            "503": { description: "The chain cannot be reached" },
          },
        },
      },
    },
  };
}
