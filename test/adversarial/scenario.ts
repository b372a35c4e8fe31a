// The world the adversarial corpus lives in, rebuilt the same on every fresh local chain: the
// trusted deployment with two agencies, a look-alike deployment with its own "agency 1", and the
// batches the corpus documents come from (fixed ids, issuance times and salts, so fixed roots).
import type { Provider } from "ethers";
import { Wallet } from "ethers";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { registerAgencyWithOfficers } from "../../server/bootstrap/agencyRegistration.ts";
import { typesMask } from "../../server/bootstrap/demoAgency.ts";
import { wrapBatch } from "../../server/core/batch/wrap.ts";
import type { CertificateInput } from "../../server/core/document/model.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { fixedSaltSource } from "../core/support/fixedSalts.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import {
  anchorWrapped,
  deployOnChain,
  devKey,
  type AnchoredBatch,
  type OnChainAgency,
  type OnChainCertledger,
} from "../verification/support/onChain.ts";

export const BEIJING: OnChainAgency = { agencyId: 1, name: "北京市公安局公安交通管理局", jurisdiction: "110000" };
export const TIANJIN: OnChainAgency = { agencyId: 2, name: "天津市公安交通管理局", jurisdiction: "120000" };

export interface Scenario {
  trusted: OnChainCertledger;
  lookalike: OnChainCertledger;
  batches: {
    /** Beijing: [expired licence, licence in force (the control), licence without expiry] */
    licences: AnchoredBatch;
    /** Beijing again: two more licences */
    moreLicences: AnchoredBatch;
    /** anchored by Tianjin's officer, but the licence names Beijing as its issuer */
    tianjinClaimingBeijing: AnchoredBatch;
    /** anchored by a Beijing officer declared compromised since that very time */
    byCompromisedOfficer: AnchoredBatch;
    /** on the look-alike ledger: a forged licence naming Beijing */
    forged: AnchoredBatch;
    /** on the look-alike ledger: the very root of `licences`, anchored again by the look-alike's officer */
    copied: AnchoredBatch;
  };
}

const id = (k: number): string => `01JC8A${String(k).padStart(20, "0")}`;
const ISSUED_AT = "2024-03-01T09:00:00+08:00";

function licence(k: number, agency: OnChainAgency, overrides: Partial<CertificateInput> = {}): CertificateInput {
  const sample = sampleInputs(k)["driving-licence"]!;
  return {
    ...sample,
    id: id(k),
    issuedAt: ISSUED_AT,
    issuer: { agencyId: agency.agencyId, name: agency.name, jurisdiction: agency.jurisdiction },
    validFrom: "2015-05-10T00:00:00+08:00",
    ...overrides,
  };
}

const wrap = (chain: OnChainCertledger, inputs: CertificateInput[]) =>
  wrapBatch(inputs, { types: chain.types, keccak: chain.keccak, randomBytes: fixedSaltSource });

/** Deploys and anchors everything on a fresh chain; the dev keys used are the public test ones. */
export async function buildScenario(provider: Provider): Promise<Scenario> {
  const types = builtinTypes();
  const trusted = await deployOnChain(
    provider,
    { governance: devKey(0), admin: devKey(2), officers: [devKey(1), devKey(3)] },
    types,
    BEIJING,
  );
  const registry = AgencyRegistry__factory.connect(trusted.registry, trusted.governance);
  const tianjinOfficer = new Wallet(devKey(5), provider);
  await registerAgencyWithOfficers(
    registry,
    trusted.keccak,
    { ...TIANJIN, types: typesMask(types) },
    new Wallet(devKey(4), provider),
    [tianjinOfficer],
  );
  const lookalike = await deployOnChain(
    provider,
    { governance: devKey(6), admin: devKey(8), officers: [devKey(7)] },
    types,
    BEIJING,
  );

  const [beijingOfficer, laterCompromised] = trusted.officers as [Wallet, Wallet];
  const licencesWrapped = wrap(trusted, [
    licence(1, BEIJING, { validUntil: "2021-05-10T00:00:00+08:00" }),
    licence(2, BEIJING, { validUntil: "2035-05-10T00:00:00+08:00" }),
    licence(3, BEIJING),
  ]);
  const licences = await anchorWrapped(trusted, licencesWrapped, beijingOfficer);
  const moreLicences = await anchorWrapped(
    trusted,
    wrap(trusted, [licence(4, BEIJING), licence(5, BEIJING)]),
    beijingOfficer,
  );
  const tianjinClaimingBeijing = await anchorWrapped(trusted, wrap(trusted, [licence(6, BEIJING)]), tianjinOfficer);
  const byCompromisedOfficer = await anchorWrapped(trusted, wrap(trusted, [licence(7, BEIJING)]), laterCompromised);
  const anchoredAt = (await provider.getBlock(byCompromisedOfficer.blockNumber))?.timestamp;
  if (anchoredAt === undefined) throw new Error("no block for the compromised officer's batch");
  await (await registry.connect(trusted.admin).declareOfficerCompromised(laterCompromised.address, anchoredAt)).wait();

  const forger = lookalike.officers[0]!;
  const forged = await anchorWrapped(
    lookalike,
    wrap(lookalike, [
      licence(8, BEIJING, {
        validUntil: "2040-01-01T00:00:00+08:00",
        subject: { ...sampleInputs(8)["driving-licence"]!.subject, vehicleClasses: "A1" },
      }),
    ]),
    forger,
  );
  const copied = await anchorWrapped(lookalike, licencesWrapped, forger);
  return {
    trusted,
    lookalike,
    batches: { licences, moreLicences, tianjinClaimingBeijing, byCompromisedOfficer, forged, copied },
  };
}

/** What the committed corpus was generated against: the test checks a fresh scenario gives the same. */
export function scenarioFacts(scenario: Scenario): Record<string, unknown> {
  return {
    chainId: scenario.trusted.chainId,
    trustedLedger: scenario.trusted.ledger,
    trustedRegistry: scenario.trusted.registry,
    lookalikeLedger: scenario.lookalike.ledger,
    roots: Object.fromEntries(Object.entries(scenario.batches).map(([name, batch]) => [name, batch.root])),
  };
}
