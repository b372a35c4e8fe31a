// Rewrites test/fixtures/vectors.json from its own inputs with the fixed salt source: run it only
// when the document format changes on purpose (a change of the vectors is a change of the format).
import { readFileSync, writeFileSync } from "node:fs";
import {
  Keccak256,
  builtinTypes,
  disclose,
  fieldHashes,
  wrapBatch,
  DOCUMENT_VERSION,
} from "../../server/core/index.ts";
import { fixedSaltSource } from "../../test/core/support/fixedSalts.ts";

const file = new URL("../../test/fixtures/vectors.json", import.meta.url);
const vectors = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & {
  inputs: unknown[];
  disclosed: { from: number; keep: string[] };
};
const keccak = await Keccak256.create();
const batch = wrapBatch(vectors.inputs, { types: builtinTypes(), keccak, randomBytes: fixedSaltSource });
const source = batch.documents[vectors.disclosed.from];
if (!source) throw new Error("disclosed.from is outside the batch");
const updated = {
  ...vectors,
  format: DOCUMENT_VERSION,
  fieldHashes: batch.documents.map((document) => fieldHashes(document, keccak)),
  leaves: batch.leaves,
  root: batch.root,
  documents: batch.documents,
  disclosed: { ...vectors.disclosed, document: disclose(source, vectors.disclosed.keep, keccak) },
};
writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
console.log(`vectors written: ${batch.documents.length} documents, root ${batch.root}`);
