import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { isAddress, Wallet } from "ethers";
import { z } from "zod";
import { describeDeployment } from "../../server/core/trust/deployments.ts";
import {
  signTrustList,
  TrustListError,
  verifyTrustList,
  type VerifiedTrustList,
} from "../../server/core/trust/trustList.ts";

const privateKey = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "a 32-byte hex private key");

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, "utf8")) as unknown;
}

/** Checks the list, or says why not on stderr and sets exit code 1. */
async function checked(file: string, signer: string): Promise<VerifiedTrustList | null> {
  if (!isAddress(signer)) throw new Error("--signer is not an address");
  try {
    return verifyTrustList(await readJson(file), { signer, now: new Date() });
  } catch (error) {
    if (!(error instanceof TrustListError)) throw error;
    process.stderr.write(`✘ trust list refused (${error.code}): ${error.message}\n`);
    process.exitCode = 1;
    return null;
  }
}

function describe(list: VerifiedTrustList): string {
  const lines = [
    `✔ trust list signed by ${list.signer}, valid ${list.issuedAt} → ${list.expiresAt}`,
    `  ${list.deployments.length} deployment(s):`,
  ];
  for (const d of list.deployments) {
    lines.push(`  - ${d.name ? `${d.name.zh} / ${d.name.en}` : "(unnamed)"}`);
    lines.push(`      ${describeDeployment({ chainId: d.chainId, ledger: d.ledger })}, registry ${d.registry ?? "?"}`);
    if (d.origins && d.origins.length > 0) lines.push(`      origins ${d.origins.join(", ")}`);
  }
  return lines.join("\n");
}

export function registerTrustList(program: Command): void {
  const trustList = program
    .command("trust-list")
    .description("make and check signed trust lists: the deployments a verifier recognises");

  trustList
    .command("sign")
    .description(
      "sign a list (format certledger-trust-list/1) with an EIP-191 signature; prints the signer's address to pin",
    )
    .argument(
      "<list.json>",
      "the unsigned list: { format, issuedAt, expiresAt, deployments: [{ chainId, registry, ledger, name: { zh, en }, origins }] }",
    )
    .requiredOption("--key-file <file>", "file holding the signing key (32-byte hex)")
    .requiredOption("-o, --out <file>", "where to write the signed list")
    .action(async (file: string, options: { keyFile: string; out: string }) => {
      const key = privateKey.parse(await readFile(options.keyFile, "utf8"));
      const wallet = new Wallet(key.startsWith("0x") ? key : `0x${key}`);
      try {
        const signed = await signTrustList(await readJson(file), wallet);
        await writeFile(options.out, `${JSON.stringify(signed, null, 2)}\n`);
      } catch (error) {
        if (!(error instanceof TrustListError)) throw error;
        process.stderr.write(`✘ not signed (${error.code}): ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        `signed by ${wallet.address} into ${options.out}: verifiers pin this address with --trust-list-signer\n`,
      );
    });

  trustList
    .command("verify")
    .description(
      "check a signed list against the signer you pin and today's date; exit 0 when it holds, 1 when refused",
    )
    .argument("<file>", "the signed list")
    .requiredOption("--signer <address>", "the address it must be signed by")
    .action(async (file: string, options: { signer: string }) => {
      const list = await checked(file, options.signer);
      if (list)
        process.stdout.write(
          `✔ trust list valid: signed by ${list.signer}, ${list.deployments.length} deployment(s), expires ${list.expiresAt}\n`,
        );
    });

  trustList
    .command("show")
    .description("check a signed list and print the deployments it names")
    .argument("<file>", "the signed list")
    .requiredOption("--signer <address>", "the address it must be signed by")
    .option("--json", "print the deployments as JSON")
    .action(async (file: string, options: { signer: string; json?: boolean }) => {
      const list = await checked(file, options.signer);
      if (!list) return;
      process.stdout.write(options.json ? `${JSON.stringify(list, null, 2)}\n` : `${describe(list)}\n`);
    });
}
