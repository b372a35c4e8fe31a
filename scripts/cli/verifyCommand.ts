import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { isAddress, type JsonRpcProvider } from "ethers";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { createProvider, isChainUnavailable, readChainId } from "../../server/chain/provider.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { TrustAnchors, type TrustedDeployment } from "../../server/core/trust/deployments.ts";
import { TrustListError, verifyTrustList } from "../../server/core/trust/trustList.ts";
import { unavailableResult, verdictWithoutChain } from "../../server/core/verification/engine.ts";
import type { VerificationResult } from "../../server/core/verification/result.ts";
import { unpinnedResult, type TrustPolicy } from "../../server/core/verification/trust.ts";
import { offlineOutcome, verifyOutcome } from "../../server/core/verification/verifyDocument.ts";

/**
 * Exit codes: 0 valid; 1 any verdict but valid; 2 bad usage, unreadable file or refused trust
 * list; 3 chain unavailable; 4 nothing pinned, so nothing can be trusted.
 */
export const EXIT = { valid: 0, invalid: 1, usage: 2, unavailable: 3, unpinned: 4 } as const;

const HOW_TO_PIN =
  "Pin the ledger you trust: --ledger ADDRESS (only an address you got from the issuing authority, never from the document), or --trust-list FILE --trust-list-signer ADDRESS.";

function render(result: VerificationResult): string {
  const lines = [`${result.valid ? "✔" : "✘"} ${result.status}`];
  const c = result.certificate;
  if (c) {
    lines.push(`  certificate ${c.id} (${c.type})`);
    lines.push(
      `  issuer      agency ${String(c.issuer.agencyId)}${c.issuer.name ? ` ${c.issuer.name}` : ""}, jurisdiction ${c.issuer.jurisdiction ?? "?"}`,
    );
    lines.push(`  valid       ${c.validFrom ?? "?"} → ${c.validUntil ?? "no expiry"}`);
    if (c.hiddenFields.length > 0) lines.push(`  hidden      ${c.hiddenFields.join(", ")}`);
  }
  if (result.anchor) {
    const a = result.anchor;
    lines.push(
      `  anchored    chain ${a.chainId}, ledger ${a.ledger}${a.txHash ? `, tx ${a.txHash}` : ""}${a.blockNumber === undefined ? "" : `, block ${a.blockNumber}`}`,
    );
  }
  if (result.revocation) {
    const r = result.revocation;
    lines.push(
      `  ${r.state}     ${r.scope}, reason ${r.reason}${r.at ? ` at ${r.at}` : ""}${r.actor ? ` by ${r.actor}` : ""}`,
    );
  }
  if (result.restoration) {
    const r = result.restoration;
    lines.push(`  restored    ${r.scope} at ${r.at} by governance ${r.actor}, undoing compromised key ${r.undid}`);
  }
  for (const w of result.warnings) lines.push(`  warning     ${w.message}`);
  lines.push("  checks:");
  for (const check of result.checks) lines.push(`    ${check.passed ? "✔" : "✘"} ${check.name}: ${check.detail}`);
  return lines.join("\n");
}

interface VerifyOptions {
  rpc: string;
  ledger?: string;
  trustList?: string;
  trustListSigner?: string;
  json?: boolean;
}

class UsageError extends Error {}

/** The deployments the user pinned: one ledger on the RPC's chain, or a signed trust list's; null for none. */
async function pinnedDeployments(
  options: VerifyOptions,
  now: Date,
): Promise<((rpcChainId: number) => TrustedDeployment[]) | null> {
  if (options.ledger !== undefined && options.trustList !== undefined)
    throw new UsageError("give --ledger or --trust-list, not both");
  if (options.ledger !== undefined) {
    if (!isAddress(options.ledger))
      throw new UsageError("--ledger is not an address (0x and 40 hex digits, checksummed if mixed-case)");
    const ledger = options.ledger;
    return (chainId) => [{ chainId, ledger }];
  }
  if (options.trustListSigner !== undefined && options.trustList === undefined)
    throw new UsageError("--trust-list-signer needs --trust-list");
  if (options.trustList === undefined) return null;
  if (options.trustListSigner === undefined || !isAddress(options.trustListSigner)) {
    throw new UsageError(
      "--trust-list needs --trust-list-signer ADDRESS: the key the list must be signed with (never taken from the list)",
    );
  }
  let file: unknown;
  try {
    file = JSON.parse(await readFile(options.trustList, "utf8")) as unknown;
  } catch (error) {
    throw new UsageError(`cannot read the trust list ${options.trustList}: ${(error as Error).message}`);
  }
  try {
    const { deployments } = verifyTrustList(file, { signer: options.trustListSigner, now });
    return () => deployments;
  } catch (error) {
    if (error instanceof TrustListError) throw new UsageError(`trust list refused (${error.code}): ${error.message}`);
    throw error;
  }
}

function policyFor(deployments: TrustedDeployment[], provider: JsonRpcProvider, rpcChainId: number): TrustPolicy {
  return {
    anchors: TrustAnchors.of(deployments),
    ledgerFor: (deployment) =>
      deployment.chainId === rpcChainId ? new EthersLedgerView(provider, deployment.ledger) : null,
  };
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "verify a certificate document against the ledger you pinned, on any chain's RPC endpoint: no certledger server involved",
    )
    .argument("<document>", "certificate document (JSON file), full or disclosed")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .option("--ledger <address>", "the ledger you trust, on the RPC's chain (never taken from the document)")
    .option("--trust-list <file>", "a signed trust list naming the deployments you trust")
    .option("--trust-list-signer <address>", "the address the trust list must be signed by")
    .option("--json", "print the verification result as JSON")
    .action(async (file: string, options: VerifyOptions) => {
      const now = new Date();
      let text: string;
      let pinned: Awaited<ReturnType<typeof pinnedDeployments>>;
      try {
        text = await readFile(file, "utf8").catch((error: unknown) => {
          throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
        });
        pinned = await pinnedDeployments(options, now);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = EXIT.usage;
        return;
      }
      const keccak = await Keccak256.create();
      const offline = offlineOutcome(text, { keccak, types: builtinTypes() });
      let result = verdictWithoutChain(offline, { now });
      let exitCode: number | null = null;
      if (!result && !pinned) {
        result = unpinnedResult(offline, HOW_TO_PIN, { now });
        exitCode = EXIT.unpinned;
        process.stderr.write(`not verified: no ledger pinned. ${HOW_TO_PIN}\n`);
      }
      if (!result && pinned) {
        let provider: JsonRpcProvider | null = null;
        try {
          const chainId = await readChainId(options.rpc);
          provider = createProvider(options.rpc, { chainId });
          result = await verifyOutcome(offline, policyFor(pinned(chainId), provider, chainId), {
            now,
            lookupAnchorEvent: true,
          });
        } catch (error) {
          if (!isChainUnavailable(error)) throw error;
          result = unavailableResult(offline, "the chain cannot be reached at the given RPC URL");
        } finally {
          provider?.destroy();
        }
      }
      if (!result) throw new Error("unreachable: every path gives a result");
      process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : render(result)}\n`);
      process.exitCode =
        exitCode ?? (result.valid ? EXIT.valid : result.status === "UNAVAILABLE" ? EXIT.unavailable : EXIT.invalid);
    });
}
