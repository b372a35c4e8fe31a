import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { isAddress } from "ethers";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { createProvider, isChainUnavailable, readChainId } from "../../server/chain/provider.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { checkAgainstChain, unavailableResult, verdictWithoutChain } from "../../server/core/verification/engine.ts";
import type { VerificationResult } from "../../server/core/verification/result.ts";
import { offlineOutcome } from "../../server/core/verification/verifyDocument.ts";

/** Exit codes: 0 valid; 1 any verdict but valid; 2 bad usage or unreadable file; 3 chain unavailable. */
export const EXIT = { valid: 0, invalid: 1, usage: 2, unavailable: 3 } as const;

function render(result: VerificationResult): string {
  const lines = [`${result.valid ? "✔" : "✘"} ${result.status}`];
  const c = result.certificate;
  if (c) {
    lines.push(`  certificate ${c.id} (${c.type})`);
    lines.push(`  issuer      agency ${String(c.issuer.agencyId)}${c.issuer.name ? ` ${c.issuer.name}` : ""}, jurisdiction ${c.issuer.jurisdiction ?? "?"}`);
    lines.push(`  valid       ${c.validFrom ?? "?"} → ${c.validUntil ?? "no expiry"}`);
    if (c.hiddenFields.length > 0) lines.push(`  hidden      ${c.hiddenFields.join(", ")}`);
  }
  if (result.anchor) {
    const a = result.anchor;
    lines.push(`  anchored    chain ${a.chainId}, ledger ${a.ledger}${a.txHash ? `, tx ${a.txHash}` : ""}${a.blockNumber === undefined ? "" : `, block ${a.blockNumber}`}`);
  }
  if (result.revocation) {
    const r = result.revocation;
    lines.push(`  ${r.state}     ${r.scope}, reason ${r.reason}${r.at ? ` at ${r.at}` : ""}`);
  }
  for (const w of result.warnings) lines.push(`  warning     ${w.message}`);
  lines.push("  checks:");
  for (const check of result.checks) lines.push(`    ${check.passed ? "✔" : "✘"} ${check.name}: ${check.detail}`);
  return lines.join("\n");
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("verify a certificate document against any chain's RPC endpoint: no certledger server involved")
    .argument("<document>", "certificate document (JSON file), full or disclosed")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .option("--ledger <address>", "the ledger you trust (default: the one the document names)")
    .option("--json", "print the verification result as JSON")
    .action(async (file: string, options: { rpc: string; ledger?: string; json?: boolean }) => {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (options.ledger !== undefined && !isAddress(options.ledger)) {
        process.stderr.write("--ledger is not an address (0x and 40 hex digits, checksummed if mixed-case)\n");
        process.exitCode = EXIT.usage;
        return;
      }
      const keccak = await Keccak256.create();
      const types = builtinTypes();
      const offline = offlineOutcome(text, { keccak, types });
      const now = new Date();
      let result = verdictWithoutChain(offline, { now });
      if (!result) {
        try {
          const chainId = await readChainId(options.rpc);
          const provider = createProvider(options.rpc, { chainId });
          const ledger = new EthersLedgerView(provider, options.ledger ?? offline.proof?.ledger ?? "");
          result = await checkAgainstChain(offline, ledger, { now, lookupAnchorEvent: true });
          provider.destroy();
        } catch (error) {
          if (!isChainUnavailable(error)) throw error;
          result = unavailableResult(offline, "the chain cannot be reached at the given RPC URL");
        }
      }
      process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : render(result)}\n`);
      process.exitCode = result.valid ? EXIT.valid : result.status === "UNAVAILABLE" ? EXIT.unavailable : EXIT.invalid;
    });
}
