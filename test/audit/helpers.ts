import { hexlify, randomBytes, Wallet } from "ethers";
import { ICertificateLedger__factory, AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { devKey, type Harness } from "../support/serviceHarness.ts";
import { bindOfficer } from "../../server/chain/officerConsent.ts";

/** A food business permit request (valid for either harness agency); `n` varies the values. */
export function permit(n: number) {
  const input = sampleInputs(n)["food-business-permit"];
  if (!input) throw new Error("no food-business-permit sample");
  const { type, subject, validFrom, validUntil } = input;
  return { type, subject, validFrom, validUntil };
}

/** Issues `count` permits with `key` and returns their ids (pending until `h.flush()`). */
export async function issuePermits(h: Harness, key: string, first: number, count: number): Promise<string[]> {
  const r = await call<{ items: { id: string }[] }>(h.url, "POST", "/api/v1/certificates/batch", {
    key,
    body: { items: Array.from({ length: count }, (_, i) => permit(first + i)) },
  });
  if (r.status !== 202) throw new Error(`batch issuance answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.items.map((i) => i.id);
}

/** The id part of an API key `clk_<id>_<secret>`: what the service records as the requester. */
export const apiKeyId = (key: string): string => key.split("_")[1] ?? "";

/**
 * A second officer of `agency`, added on chain by the agency's admin but unknown to the service:
 * a key "used elsewhere". Dev account `account` (DEV-ONLY key of the Hardhat test mnemonic).
 */
export async function outsideOfficer(h: Harness, agencyIndex: 0 | 1, account: number): Promise<Wallet> {
  const agency = h.agencies[agencyIndex];
  const officer = new Wallet(devKey(account), h.provider);
  const registry = AgencyRegistry__factory.connect(h.registry, agency.admin);
  await bindOfficer(registry, officer, agency.agencyId);
  return officer;
}

/** Anchors a random root of `size` certificates of type `typeId` straight on the ledger. */
export async function anchorRandomRoot(h: Harness, officer: Wallet, typeId: number, size = 3): Promise<string> {
  const root = hexlify(randomBytes(32));
  await (await ICertificateLedger__factory.connect(h.ledger, officer).anchor(root, typeId, size)).wait();
  return root;
}

/** The on-chain type id of the food business permit. */
export const PERMIT_TYPE_ID = builtinTypes().get("food-business-permit").typeId;

/** A raw JSON-RPC call to the in-process Hardhat network (evm_snapshot, evm_revert, hardhat_mine). */
export function rpc(h: Harness, method: string, params: unknown[]): Promise<unknown> {
  return (h.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> }).send(method, params);
}
