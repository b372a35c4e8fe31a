import { getAddress, type Interface, type Log } from "ethers";
import { IAgencyRegistry__factory, ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { parseStatusTarget } from "../chain/statusTarget.ts";
import { EVENT_KINDS, type AuditEvent, type EventKind } from "./events.ts";

const ledgerInterface: Interface = ICertificateLedger__factory.createInterface();
const registryInterface: Interface = IAgencyRegistry__factory.createInterface();

const AGENCY_STATUS = ["none", "active", "suspended", "retired"];
const isKind = (name: string): name is EventKind => (EVENT_KINDS as readonly string[]).includes(name);

export type DecodedEvent = Omit<AuditEvent, "blockTime">;

/**
 * Decodes one log of the ledger or the registry into an index row, or null for a log that is not
 * one of their events. Every ledger event names its agency: a root alone may be several agencies' batches.
 */
export function decodeLog(log: Log, contracts: { ledger: string; registry: string }): DecodedEvent | null {
  const address = log.address.toLowerCase();
  const logData = { topics: [...log.topics], data: log.data };
  // Registry and ledger are one contract (both addresses the same): an event is the registry's when
  // the ledger's interface does not know it. `contract` says which half emitted it, as before.
  const ledgerEvent = address === contracts.ledger.toLowerCase() ? ledgerInterface.parseLog(logData) : null;
  const registryEvent =
    ledgerEvent === null && address === contracts.registry.toLowerCase() ? registryInterface.parseLog(logData) : null;
  const parsed = ledgerEvent ?? registryEvent;
  const contract = ledgerEvent ? "ledger" : "registry";
  if (!parsed || !isKind(parsed.name)) return null;
  const a = parsed.args;
  const base: DecodedEvent = {
    blockNumber: log.blockNumber,
    logIndex: log.index,
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    contract,
    kind: parsed.name,
    actor: "",
    agencyId: null,
    root: null,
    leaf: null,
    leafIndex: null,
    reasonCode: null,
    typeId: null,
    size: null,
    officer: null,
    details: null,
  };
  const hex = (v: unknown): string => String(v).toLowerCase();
  const num = (v: unknown): number => Number(v);
  switch (parsed.name) {
    case "BatchAnchored":
      return {
        ...base,
        actor: getAddress(String(a.officer)),
        agencyId: num(a.agencyId),
        root: hex(a.root),
        typeId: num(a.typeId),
        size: num(a.size),
      };
    case "BatchRevoked":
      return {
        ...base,
        actor: getAddress(String(a.actor)),
        agencyId: num(a.agencyId),
        root: hex(a.root),
        reasonCode: num(a.reason),
      };
    case "BatchRestored":
      return {
        ...base,
        actor: getAddress(String(a.actor)),
        agencyId: num(a.agencyId),
        root: hex(a.root),
        details: { revokedBy: getAddress(String(a.revokedBy)) },
      };
    case "CertificateRevoked":
    case "CertificateSuspended":
    case "CertificateReinstated": {
      // agency, index and reason share one data word (`target`)
      const target = parseStatusTarget(a.target as bigint);
      return {
        ...base,
        actor: getAddress(String(a.actor)),
        agencyId: target.agencyId,
        root: hex(a.root),
        leaf: hex(a.leaf),
        leafIndex: target.index,
        reasonCode: parsed.name === "CertificateReinstated" ? null : target.reason,
      };
    }
    case "CertificateRestored":
      return {
        ...base,
        actor: getAddress(String(a.actor)),
        agencyId: num(a.agencyId),
        root: hex(a.root),
        leaf: hex(a.leaf),
        leafIndex: num(a.index),
        details: { compromisedOfficer: getAddress(String(a.compromisedOfficer)) },
      };
    case "CertificateTypeDefined":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        typeId: num(a.typeId),
        details: { schemaHash: hex(a.schemaHash) },
      };
    case "AgencyRegistered":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        agencyId: num(a.agencyId),
        details: {
          jurisdiction: num(a.jurisdiction),
          metadataHash: hex(a.metadataHash),
          certificateTypes: String(a.certificateTypes),
          admin: getAddress(String(a.admin)),
        },
      };
    case "AgencyStatusChanged":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        agencyId: num(a.agencyId),
        details: { from: AGENCY_STATUS[num(a.from)] ?? String(a.from), to: AGENCY_STATUS[num(a.to)] ?? String(a.to) },
      };
    case "AgencyCertificateTypesChanged":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        agencyId: num(a.agencyId),
        details: { certificateTypes: String(a.certificateTypes) },
      };
    case "AgencyMetadataChanged":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        agencyId: num(a.agencyId),
        details: { metadataHash: hex(a.metadataHash) },
      };
    case "OfficerAdded":
    case "OfficerRemoved":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        agencyId: num(a.agencyId),
        officer: getAddress(String(a.officer)),
      };
    case "OfficerCompromised":
      return {
        ...base,
        actor: getAddress(String(a.by)),
        agencyId: num(a.agencyId),
        officer: getAddress(String(a.officer)),
        details: { since: num(a.since) },
      };
  }
}
