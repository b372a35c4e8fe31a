import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { Provider } from "ethers";
import { z } from "zod";
import { AuditIndex } from "../../server/audit/auditIndex.ts";
import { ChainIndexer, type IndexerDeployment, type IndexRound } from "../../server/audit/indexer.ts";
import { rebuildAgencyHistory } from "../../server/audit/rebuild.ts";
import { Reconciler, type ReconcileReport } from "../../server/audit/reconcile.ts";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { createProvider, isChainUnavailable, readChainId } from "../../server/chain/provider.ts";
import { loadConfig } from "../../server/config/loadConfig.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { ChainUnavailableError } from "../../server/core/verification/ledgerView.ts";
import { withAdmin } from "./adminContext.ts";

/** Exit codes: 0 clean; 1 reconciliation findings; 2 bad usage; 3 chain unavailable. */
export const AUDIT_EXIT = { ok: 0, findings: 1, usage: 2, unavailable: 3 } as const;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address");
const count = (min: number) => z.coerce.number().int().min(min);

const ChainFlags = z.object({
  rpc: z.url({ protocol: /^https?$/ }),
  ledger: address,
  registry: address,
  fromBlock: count(0).default(0),
});

interface ChainFlagInput {
  rpc?: string;
  ledger?: string;
  registry?: string;
  fromBlock?: string;
}

interface OpenChain {
  provider: Provider & { destroy(): void };
  deployment: IndexerDeployment;
}

async function chainFromFlags(flags: ChainFlagInput): Promise<OpenChain> {
  const parsed = ChainFlags.parse(flags);
  const chainId = await readChainId(parsed.rpc);
  return {
    provider: createProvider(parsed.rpc, { chainId }),
    deployment: { chainId, ledger: parsed.ledger, registry: parsed.registry, deploymentBlock: parsed.fromBlock },
  };
}

const usesFlags = (flags: ChainFlagInput): boolean =>
  [flags.rpc, flags.ledger, flags.registry].some((v) => v !== undefined);

function describeRound(round: IndexRound): string {
  const reorg = round.reorg
    ? `; reorganisation: rolled back to block ${round.reorg.forkBlock} (${round.reorg.removedEvents} events dropped)`
    : "";
  return `indexed through block ${round.indexedThrough ?? "none"}, ${round.added} new events${reorg}\n`;
}

function renderReport(report: ReconcileReport): string {
  const lines = [
    `${report.ok ? "✔ no findings" : `✘ ${report.findings.length} finding(s)`}: ${report.checked.certificates} certificates in ${report.checked.batches} batches, ${report.checked.chainRoots} roots on chain (through block ${report.indexedThrough ?? "none"})`,
  ];
  if (report.skippedInFlight > 0)
    lines.push(`  ${report.skippedInFlight} certificate(s) skipped: a status change is under way`);
  for (const f of report.findings) {
    const subject = f.certificateId ? ` certificate ${f.certificateId}` : f.root ? ` root ${f.root}` : "";
    lines.push(`  [${f.severity}] ${f.code}${subject}: ${f.detail}`);
  }
  return `${lines.join("\n")}\n`;
}

async function guarded(work: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await work();
  } catch (error) {
    if (error instanceof ChainUnavailableError || isChainUnavailable(error)) {
      process.stderr.write("certledger: the chain cannot be reached at the RPC URL\n");
      process.exitCode = AUDIT_EXIT.unavailable;
      return;
    }
    if (error instanceof z.ZodError) {
      process.stderr.write(
        `certledger: ${error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}\n`,
      );
      process.exitCode = AUDIT_EXIT.usage;
      return;
    }
    throw error;
  }
}

export function registerAudit(program: Command): void {
  const audit = program
    .command("audit")
    .description("audit trail: chain-event index, reconciliation, history rebuilt from the chain alone");

  audit
    .command("index")
    .description(
      "bring a chain-event index up to date (the service's, or one of your own with --rpc/--ledger/--registry)",
    )
    .option("--rpc <url>", "JSON-RPC endpoint (default: the configured chain)")
    .option("--ledger <address>", "CertificateLedger address")
    .option(
      "--registry <address>",
      "AgencyRegistry address (the same as --ledger: registry and ledger are one contract)",
    )
    .option("--from-block <n>", "the deployment block: where the scan starts", "0")
    .option("--index <file>", "index file (default: <DATA_DIR>/audit-index.db; ./audit-index.db with --rpc)")
    .option("--range <blocks>", "blocks per eth_getLogs request", "2000")
    .option("--confirmations <n>", "index only blocks at or below head - n", "0")
    .option("--follow", "keep polling for new blocks until interrupted")
    .action((options: ChainFlagInput & { index?: string; range: string; confirmations: string; follow?: boolean }) =>
      guarded(async () => {
        const indexerOptions = {
          blockRange: count(1).parse(options.range),
          confirmations: count(0).parse(options.confirmations),
        };
        const run = async (chain: OpenChain, indexPath: string): Promise<number> => {
          const index = AuditIndex.open(indexPath);
          const indexer = new ChainIndexer(
            { provider: chain.provider, index, deployment: chain.deployment },
            indexerOptions,
          );
          try {
            process.stdout.write(describeRound(await indexer.syncOnce()));
            while (options.follow) {
              await new Promise((done) => setTimeout(done, indexer.options.pollMs));
              const round = await indexer.syncOnce();
              if (round.added > 0 || round.reorg) process.stdout.write(describeRound(round));
            }
            return AUDIT_EXIT.ok;
          } finally {
            index.close();
          }
        };
        if (usesFlags(options)) {
          const chain = await chainFromFlags(options);
          try {
            return await run(chain, resolve(options.index ?? "audit-index.db"));
          } finally {
            chain.provider.destroy();
          }
        }
        const config = loadConfig(process.env);
        return withAdmin({}, (ctx) =>
          run(
            { provider: ctx.provider, deployment: ctx.deployment },
            resolve(options.index ?? join(config.dataDir, "audit-index.db")),
          ),
        );
      }),
    );

  audit
    .command("reconcile")
    .description("check the service's database against the chain; exit code 1 on any finding")
    .option("--index <file>", "reuse this chain-event index (default: read the chain afresh into memory)")
    .option("--json", "print the report as JSON")
    .action((options: { index?: string; json?: boolean }) =>
      guarded(() =>
        withAdmin({}, async (ctx) => {
          const keccak = await Keccak256.create();
          const index = AuditIndex.open(options.index ? resolve(options.index) : ":memory:");
          try {
            const indexer = new ChainIndexer({ provider: ctx.provider, index, deployment: ctx.deployment });
            const report = await new Reconciler({
              store: ctx.store,
              index,
              syncIndex: () => indexer.syncOnce(),
              ledgerView: new EthersLedgerView(ctx.provider, ctx.deployment.ledger, {
                fromBlock: ctx.deployment.deploymentBlock,
              }),
              provider: ctx.provider,
              ledger: ctx.deployment.ledger,
              keccak,
            }).run();
            process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
            return report.ok ? AUDIT_EXIT.ok : AUDIT_EXIT.findings;
          } finally {
            index.close();
          }
        }),
      ),
    );

  audit
    .command("rebuild")
    .description("an agency's full history from the chain alone (no database), as NDJSON on stdout")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .requiredOption("--ledger <address>", "CertificateLedger address")
    .requiredOption(
      "--registry <address>",
      "AgencyRegistry address (the same as --ledger: registry and ledger are one contract)",
    )
    .requiredOption("--agency <id>", "the agency's id in the registry")
    .option("--from-block <n>", "the deployment block: where the scan starts", "0")
    .option("--range <blocks>", "blocks per eth_getLogs request", "2000")
    .action((options: ChainFlagInput & { agency: string; range: string }) =>
      guarded(async () => {
        const agencyId = count(0).parse(options.agency);
        const chain = await chainFromFlags(options);
        const types = builtinTypes();
        try {
          const result = await rebuildAgencyHistory(
            { provider: chain.provider, deployment: chain.deployment, typeName: (id) => types.byTypeId(id)?.name },
            agencyId,
            (line) => writeWithBackpressure(line),
            { blockRange: count(1).parse(options.range) },
          );
          process.stderr.write(
            `${result.events} events of agency ${agencyId}, through block ${result.indexedThrough ?? "none"}\n`,
          );
          return AUDIT_EXIT.ok;
        } finally {
          chain.provider.destroy();
        }
      }),
    );
}

/** stdout may be a slow pipe: wait for it to drain rather than buffer the whole history. */
async function writeWithBackpressure(line: string): Promise<void> {
  if (!process.stdout.write(line)) await new Promise((done) => process.stdout.once("drain", done));
}
