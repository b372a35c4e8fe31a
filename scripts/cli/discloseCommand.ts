import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { disclose } from "../../server/core/document/disclose.ts";
import { LEGACY_DOCUMENT_VERSION } from "../../server/core/document/model.ts";
import { certificateDocumentSchema } from "../../server/core/document/schema.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";

export function registerDisclose(program: Command): void {
  program
    .command("disclose")
    .description("write a copy of a document that shows only the fields you keep (it still verifies)")
    .argument("<document>", "certificate document (JSON file)")
    .requiredOption("--keep <paths>", "comma-separated field paths to show, e.g. subject.companyName,issuer.name")
    .option("-o, --out <file>", "output file (default: standard output)")
    .action(async (file: string, options: { keep: string; out?: string }) => {
      const value = JSON.parse(await readFile(file, "utf8")) as unknown;
      if ((value as { version?: unknown } | null)?.version === LEGACY_DOCUMENT_VERSION) {
        throw new Error(
          `${file} is a certledger/1 document: verifiers refuse that format, so a disclosure of it would not verify; ask the issuing agency for the certledger/2 document`,
        );
      }
      const document = certificateDocumentSchema.parse(value);
      const keep = options.keep
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "");
      const disclosed = disclose(document, keep, await Keccak256.create());
      const text = `${JSON.stringify(disclosed, null, 2)}\n`;
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
    });
}
