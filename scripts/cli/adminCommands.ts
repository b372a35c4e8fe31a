import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { getAddress, isAddress, parseEther, Wallet } from "ethers";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { signOfficerConsent, type OfficerConsent } from "../../server/chain/officerConsent.ts";
import { createApiKey } from "../../server/auth/apiKeys.ts";
import { registerAgency } from "../../server/bootstrap/agencyRegistration.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { builtinJurisdictions } from "../../server/core/validation/jurisdictions.ts";
import { withAdmin } from "./adminContext.ts";

/** How long the consent of a key the admin CLI creates stays valid on an external chain. */
const CONSENT_DAYS = 7;

const AGENCY_STATUS = ["none", "active", "suspended", "retired"] as const;
const OFFICER_STATUS = ["none", "active", "removed"] as const;

const out = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

function typeMask(names: string): bigint {
  const types = builtinTypes();
  const wanted = names === "all" ? types.list() : names.split(",").map((n) => types.get(n.trim()));
  return wanted.reduce((mask, t) => mask | (1n << BigInt(t.typeId)), 0n);
}

export function registerAdmin(program: Command): void {
  const keyFile = "--key-file <file>";
  const keyFileHelp = "file holding the governance key (external chains; the embedded chain uses its dev key)";

  const agency = program.command("agency").description("agencies: register, list, suspend, retire");
  agency
    .command("register")
    .description("register an agency on chain, give it an officer key this service signs with, and serve it")
    .requiredOption("--id <n>", "agency id (1..4294967295)")
    .requiredOption("--name <name>", "official name (Chinese)")
    .option("--name-en <name>", "English name")
    .requiredOption("--jurisdiction <code>", "six-digit administrative division code")
    .option("--types <names>", "certificate types it may issue, comma-separated, or all", "all")
    .option("--admin <address>", "the agency's own admin account (default on the embedded chain: the dev admin)")
    .option(
      "--officer <address>",
      "an officer key held outside this service (keystore or remote signer): no key file is written",
    )
    .option(keyFile, keyFileHelp)
    .action(
      async (o: {
        id: string;
        name: string;
        nameEn?: string;
        jurisdiction: string;
        types: string;
        admin?: string;
        officer?: string;
        keyFile?: string;
      }) => {
        const agencyId = Number(o.id);
        if (!Number.isInteger(agencyId) || agencyId < 1 || agencyId > 0xffffffff)
          throw new Error("--id must be an integer 1..4294967295");
        if (!builtinJurisdictions().has(o.jurisdiction))
          throw new Error(`--jurisdiction ${o.jurisdiction} is not a known division code`);
        await withAdmin({ keyFile: o.keyFile }, async (ctx) => {
          const governance = ctx.governance();
          const devAdmin = ctx.devAgencyAdmin();
          const admin = o.admin ?? devAdmin?.address;
          if (!admin) throw new Error("--admin <address> is required on an external chain");
          const registry = AgencyRegistry__factory.connect(ctx.deployment.registry, governance);
          await registerAgency(
            registry,
            await Keccak256.create(),
            {
              agencyId,
              name: o.name,
              nameEn: o.nameEn ?? null,
              jurisdiction: o.jurisdiction,
              types: typeMask(o.types),
            },
            admin,
          );

          const devChain = devAdmin !== null && admin === devAdmin.address;
          let officer: { address: string };
          let consent: OfficerConsent | null = null;
          if (o.officer) {
            if (!isAddress(o.officer)) throw new Error("--officer must be a 0x address");
            officer = { address: getAddress(o.officer) };
          } else {
            const created = Wallet.createRandom();
            const keysDir = join(ctx.config.dataDir, "keys");
            mkdirSync(keysDir, { recursive: true, mode: 0o700 });
            writeFileSync(join(keysDir, `${created.address}.key`), `${created.privateKey}\n`, { mode: 0o600 });
            if (!devAdmin)
              process.stderr.write(
                "warning: a plaintext officer key file was written; on an external chain prefer --officer with a keystore or a remote signer\n",
              );
            officer = created;
            // The service holds the key it just made, so it signs the key's consent to join this agency.
            const latest = await ctx.provider.getBlock("latest");
            consent = await signOfficerConsent(created, {
              registry: ctx.deployment.registry,
              chainId: (await ctx.provider.getNetwork()).chainId,
              agencyId,
              deadline:
                (latest?.timestamp ?? Math.floor(Date.now() / 1000)) + (devChain ? 3600 : CONSENT_DAYS * 24 * 3600),
            });
          }
          let officerAdded = false;
          if (devChain && consent) {
            await (await governance.sendTransaction({ to: officer.address, value: parseEther("10") })).wait();
            await (
              await registry
                .connect(devAdmin)
                .addOfficer(agencyId, officer.address, consent.deadline, consent.signature)
            ).wait();
            officerAdded = true;
          }
          await ctx.store.upsertAgency({
            agencyId,
            name: o.name,
            nameEn: o.nameEn ?? null,
            jurisdiction: o.jurisdiction,
            signer: officer.address,
            createdAt: new Date().toISOString(),
          });
          out({
            agencyId,
            officer: officer.address,
            officerAdded,
            ...(officerAdded || !consent ? {} : { consent }),
            next: officerAdded
              ? "create an issuer API key: certledger apikey create --role issuer --agency " + String(agencyId)
              : consent
                ? `fund ${officer.address} with gas and have the agency admin call addOfficer(${agencyId}, ${officer.address}, ${consent.deadline}, ${consent.signature}) within ${CONSENT_DAYS} days`
                : `have the key ${officer.address} sign its EIP-712 OfficerConsent to agency ${agencyId} (docs/contracts.md), then the agency admin calls addOfficer(${agencyId}, ${officer.address}, deadline, signature)`,
          });
        });
      },
    );

  agency
    .command("list")
    .description("agencies this service serves, with their on-chain status")
    .action(async () => {
      await withAdmin({}, async (ctx) => {
        const registry = AgencyRegistry__factory.connect(ctx.deployment.registry, ctx.provider);
        const rows = [];
        for (const a of await ctx.store.listAgencies()) {
          const [record] = await registry.agency(a.agencyId);
          rows.push({
            ...a,
            status: AGENCY_STATUS[Number(record.status)],
            jurisdictionOnChain: String(record.jurisdiction),
          });
        }
        out(rows);
      });
    });

  agency
    .command("set-status")
    .description("suspend, reactivate or retire (final) an agency (governance)")
    .requiredOption("--id <n>", "agency id")
    .requiredOption("--status <status>", "active, suspended or retired")
    .option(keyFile, keyFileHelp)
    .action(async (o: { id: string; status: string; keyFile?: string }) => {
      const status = AGENCY_STATUS.indexOf(o.status as (typeof AGENCY_STATUS)[number]);
      if (status < 1) throw new Error("--status must be active, suspended or retired");
      await withAdmin({ keyFile: o.keyFile }, async (ctx) => {
        const registry = AgencyRegistry__factory.connect(ctx.deployment.registry, ctx.governance());
        await (await registry.setAgencyStatus(Number(o.id), status)).wait();
        out({ agencyId: Number(o.id), status: o.status });
      });
    });

  const officer = program.command("officer").description("officer keys: inspect, remove, declare compromised");
  officer
    .command("show")
    .argument("<address>")
    .action(async (address: string) => {
      await withAdmin({}, async (ctx) => {
        const record = await AgencyRegistry__factory.connect(ctx.deployment.registry, ctx.provider).officer(address);
        out({
          address,
          status: OFFICER_STATUS[Number(record.status)],
          agencyId: Number(record.agencyId),
          compromisedSince:
            record.compromisedSince === 0n ? null : new Date(Number(record.compromisedSince) * 1000).toISOString(),
        });
      });
    });
  officer
    .command("remove")
    .argument("<address>")
    .description("remove an officer key: it can no longer anchor; its batches stand (governance)")
    .option(keyFile, keyFileHelp)
    .action(async (address: string, o: { keyFile?: string }) => {
      await withAdmin({ keyFile: o.keyFile }, async (ctx) => {
        await (
          await AgencyRegistry__factory.connect(ctx.deployment.registry, ctx.governance()).removeOfficer(address)
        ).wait();
        out({ address, status: "removed" });
      });
    });
  officer
    .command("compromise")
    .argument("<address>")
    .requiredOption("--since <time>", "ISO 8601 time from which its batches are void")
    .description("declare an officer key compromised since a time: later batches fail verification (governance)")
    .option(keyFile, keyFileHelp)
    .action(async (address: string, o: { since: string; keyFile?: string }) => {
      const since = Date.parse(o.since);
      if (Number.isNaN(since)) throw new Error("--since must be an ISO 8601 time");
      await withAdmin({ keyFile: o.keyFile }, async (ctx) => {
        const registry = AgencyRegistry__factory.connect(ctx.deployment.registry, ctx.governance());
        await (await registry.declareOfficerCompromised(address, Math.floor(since / 1000))).wait();
        out({ address, compromisedSince: new Date(since).toISOString() });
      });
    });

  const apikey = program.command("apikey").description("API keys: create (shown once), list, revoke");
  apikey
    .command("create")
    .requiredOption("--role <role>", "issuer (an agency's officer) or auditor")
    .option("--agency <n>", "the agency of an issuer key")
    .option("--label <text>", "who or what the key is for", "")
    .action(async (o: { role: string; agency?: string; label: string }) => {
      if (o.role !== "issuer" && o.role !== "auditor") throw new Error("--role must be issuer or auditor");
      await withAdmin({}, async (ctx) => {
        const agencyId = o.agency === undefined ? null : Number(o.agency);
        if (agencyId !== null && !(await ctx.store.getAgency(agencyId)))
          throw new Error(`agency ${agencyId} is not served here`);
        const key = await createApiKey(ctx.store, {
          agencyId,
          role: o.role as "issuer" | "auditor",
          label: o.label,
          now: new Date(),
        });
        out({
          id: key.record.id,
          role: key.record.role,
          agencyId,
          apiKey: key.apiKey,
          note: "shown once: store it now",
        });
      });
    });
  apikey.command("list").action(async () => {
    await withAdmin({}, async (ctx) => {
      out((await ctx.store.listApiKeys()).map(({ hash: _hash, ...rest }) => rest));
    });
  });
  apikey
    .command("revoke")
    .argument("<id>")
    .action(async (id: string) => {
      await withAdmin({}, async (ctx) => {
        if (!(await ctx.store.revokeApiKey(id, new Date().toISOString()))) throw new Error(`no active key ${id}`);
        out({ id, revoked: true });
      });
    });
}
