import documentJsonSchema from "./certledger-2.schema.json" with { type: "json" };

/** The published JSON Schema (draft 2020-12) of `certledger/2` documents, for the service to serve. */
export const DOCUMENT_JSON_SCHEMA: Readonly<Record<string, unknown>> = documentJsonSchema;
