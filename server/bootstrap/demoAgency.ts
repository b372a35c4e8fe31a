import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import canonicalize from "canonicalize";
import type { Signer } from "ethers";
import type { Logger } from "pino";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { signOfficerConsent } from "../chain/officerConsent.ts";
import { createApiKey } from "../auth/apiKeys.ts";
import { toHex32, type Keccak256 } from "../core/hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../core/registry/registry.ts";
import type { Store } from "../store/port.ts";

export const DEMO_AGENCY = Object.freeze({
  agencyId: 1,
  name: "北京市市场监督管理局（演示）",
  nameEn: "Beijing Administration for Market Regulation (demo)",
  jurisdiction: "110000",
});

const AGENCY_STATUS_NONE = 0n;
const OFFICER_STATUS_NONE = 0n;

/** The bitmask of type ids an agency may issue. */
export const typesMask = (types: CertificateTypeRegistry): bigint =>
  types.list().reduce((mask, type) => mask | (1n << BigInt(type.typeId)), 0n);

/** keccak256 of the canonical JSON of an agency's public metadata: what the registry records. */
export function agencyMetadataHash(
  keccak: Keccak256,
  agency: { name: string; nameEn: string | null; jurisdiction: string },
): string {
  return toHex32(
    keccak.digest(canonicalize({ name: agency.name, nameEn: agency.nameEn, jurisdiction: agency.jurisdiction }) ?? ""),
  );
}

/**
 * The embedded default's demo agency (Beijing, every shipped type) with the service's signer as
 * its officer, and, the first time only, an issuer and an auditor API key, printed once and saved
 * to `<DATA_DIR>/dev-credentials.json` (mode 0600). Every step checks the chain first, so a start
 * interrupted half-way, or a chain that lost its last blocks, is repaired on the next start.
 */
export async function ensureDemoAgency(deps: {
  dataDir: string;
  store: Store;
  registry: string;
  governance: Signer;
  agencyAdmin: Signer;
  /** the service's officer key: it signs its own consent to join the demo agency */
  officer: Signer;
  types: CertificateTypeRegistry;
  keccak: Keccak256;
  logger: Logger;
  print: (text: string) => void;
}): Promise<void> {
  const { agencyId, jurisdiction } = DEMO_AGENCY;
  const asGovernance = AgencyRegistry__factory.connect(deps.registry, deps.governance);
  const [record] = await asGovernance.agency(agencyId);
  if (record.status === AGENCY_STATUS_NONE) {
    const metadata = agencyMetadataHash(deps.keccak, DEMO_AGENCY);
    const admin = await deps.agencyAdmin.getAddress();
    await (
      await asGovernance.registerAgency(agencyId, Number(jurisdiction), metadata, admin, typesMask(deps.types))
    ).wait();
  }
  const officerAddress = await deps.officer.getAddress();
  const officer = await asGovernance.officer(officerAddress);
  if (officer.status === OFFICER_STATUS_NONE) {
    const asAdmin = AgencyRegistry__factory.connect(deps.registry, deps.agencyAdmin);
    const latest = await deps.governance.provider?.getBlock("latest");
    const network = await deps.governance.provider?.getNetwork();
    if (!latest || !network) throw new Error("the governance signer has no provider");
    const consent = await signOfficerConsent(deps.officer, {
      registry: deps.registry,
      chainId: network.chainId,
      agencyId,
      deadline: latest.timestamp + 3600,
    });
    await (await asAdmin.addOfficer(agencyId, officerAddress, consent.deadline, consent.signature)).wait();
  }

  if (await deps.store.getAgency(agencyId)) return;
  const now = new Date();
  await deps.store.upsertAgency({ ...DEMO_AGENCY, signer: officerAddress, createdAt: now.toISOString() });
  const issuer = await createApiKey(deps.store, { agencyId, role: "issuer", label: "demo officer", now });
  const auditor = await createApiKey(deps.store, { agencyId: null, role: "auditor", label: "demo auditor", now });
  const path = join(deps.dataDir, "dev-credentials.json");
  await writeFile(
    path,
    `${JSON.stringify({ apiKey: issuer.apiKey, agencyId, auditorApiKey: auditor.apiKey }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  deps.print(
    [
      "",
      "  certledger: first start, demo agency created (DEV ONLY)",
      `  agency ${agencyId}: ${DEMO_AGENCY.nameEn}, jurisdiction ${jurisdiction}`,
      `  officer API key: ${issuer.apiKey}`,
      `  auditor API key: ${auditor.apiKey}`,
      `  (shown once; also saved to ${path}, mode 0600)`,
      "",
    ].join("\n"),
  );
}
