import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { disclose } from "../../server/core/document/disclose.ts";
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
      const document = certificateDocumentSchema.parse(JSON.parse(await readFile(file, "utf8")));
      const keep = options.keep.split(",").map((p) => p.trim()).filter((p) => p !== "");
      const disclosed = disclose(document, keep, await Keccak256.create());
      const text = `${JSON.stringify(disclosed, null, 2)}\n`;
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
    });
}
