import { createReadStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { createInterface } from "node:readline";
import { SingleBar, Presets } from "cli-progress";
import type { Command } from "commander";
import { parse } from "csv-parse";
import { wrapBatch } from "../../server/core/batch/wrap.ts";
import { CertificateValidationError } from "../../server/core/errors.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { rowToRequest } from "./rowInput.ts";

async function* records(file: string): AsyncGenerator<Record<string, unknown>> {
  if (extname(file).toLowerCase() === ".csv") {
    yield* createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true })) as AsyncIterable<
      Record<string, string>
    >;
    return;
  }
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() !== "") yield JSON.parse(line) as Record<string, unknown>;
  }
}

interface WrapOptions {
  type?: string;
  agencyId: string;
  issuerName: string;
  jurisdiction: string;
  out: string;
}

export function registerWrap(program: Command): void {
  program
    .command("wrap")
    .description("build a batch offline: salted, hashed documents, their Merkle root and proofs (not anchored)")
    .argument("<input>", "a .csv file (one certificate per row) or an .ndjson file (one JSON object per line)")
    .option("--type <name>", "certificate type of CSV rows without a type column")
    .requiredOption("--agency-id <id>", "the issuing agency's id in the registry")
    .requiredOption("--issuer-name <name>", "the issuing agency's name")
    .requiredOption("--jurisdiction <code>", "the agency's six-digit administrative division code")
    .requiredOption("-o, --out <dir>", "folder for the documents and batch.json")
    .action(async (input: string, options: WrapOptions) => {
      const types = builtinTypes();
      const keccak = await Keccak256.create();
      const issuer = {
        agencyId: Number(options.agencyId),
        name: options.issuerName,
        jurisdiction: options.jurisdiction,
      };
      const inputs: unknown[] = [];
      const typeNames = new Set<string>();
      for await (const record of records(input)) {
        const typeName = typeof record.type === "string" && record.type !== "" ? record.type : options.type;
        const type = typeName === undefined ? undefined : types.find(typeName);
        if (!type)
          throw new Error(
            `row ${inputs.length + 1}: unknown or missing certificate type (use --type or a type column)`,
          );
        typeNames.add(type.name);
        const request =
          extname(input).toLowerCase() === ".csv"
            ? rowToRequest(record as Record<string, string>, type)
            : { ...record, type: type.name };
        inputs.push({ ...request, issuer });
      }
      if (inputs.length === 0) throw new Error(`${input} holds no certificates`);
      if (typeNames.size > 1) {
        // the ledger anchors a batch under one certificate type: a mixed batch could never verify
        process.stderr.write(
          `${input} mixes certificate types (${[...typeNames].join(", ")}): a batch holds one type; split the file by type\n`,
        );
        process.exitCode = 1;
        return;
      }
      const bar =
        inputs.length >= 1000 && process.stderr.isTTY
          ? new SingleBar({ clearOnComplete: true }, Presets.shades_classic)
          : null;
      let batch;
      try {
        batch = wrapBatch(inputs, { types, keccak });
      } catch (error) {
        if (error instanceof CertificateValidationError) {
          process.stderr.write(`${error.message}\n`);
          for (const issue of error.issues) process.stderr.write(`  ${issue.path}: ${issue.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
      await mkdir(options.out, { recursive: true });
      bar?.start(batch.documents.length, 0);
      for (const [i, document] of batch.documents.entries()) {
        await writeFile(join(options.out, `${document.id}.json`), `${JSON.stringify(document, null, 2)}\n`);
        bar?.update(i + 1);
      }
      bar?.stop();
      const typeIds = [...new Set(batch.documents.map((d) => types.get(d.type).typeId))];
      await writeFile(
        join(options.out, "batch.json"),
        `${JSON.stringify({ root: batch.root, size: batch.documents.length, typeIds, leaves: batch.leaves }, null, 2)}\n`,
      );
      process.stdout.write(`wrapped ${batch.documents.length} certificates, root ${batch.root}, into ${options.out}\n`);
    });
}
