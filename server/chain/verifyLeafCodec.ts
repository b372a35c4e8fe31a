import { getAddress, makeError, type ParamType } from "ethers";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import type { AgencyStatusName, LeafStatusName, LeafView } from "../core/verification/ledgerView.ts";

const AGENCY_STATUS: readonly AgencyStatusName[] = ["none", "active", "suspended", "retired"];
const LEAF_STATUS: readonly LeafStatusName[] = ["active", "suspended", "revoked"];

const VERIFY_LEAF = ICertificateLedger__factory.createInterface().getFunction("verifyLeaf");

/** The layout the hand-written codec below assumes, as `name:type`, nested tuples flattened. */
const VERIFY_LEAF_LAYOUT = {
  inputs: ["agencyId:uint32", "root:bytes32", "leaf:bytes32", "index:uint256", "proof:bytes32[]"],
  outputs: [
    "chainId:uint256",
    "anchored:bool",
    "proofValid:bool",
    "batch.officer:address",
    "batch.agencyId:uint32",
    "batch.anchoredAt:uint40",
    "batch.typeId:uint8",
    "batch.size:uint24",
    "batchRevokedAt:uint40",
    "batchRevocationReason:uint8",
    "batchRevokedBy:address",
    "status:uint8",
    "reason:uint8",
    "statusByGovernance:bool",
    "agencyStatus:uint8",
    "jurisdiction:uint32",
    "agencyMetadataHash:bytes32",
    "issuerAuthorized:bool",
    "officerCompromisedSince:uint40",
  ],
};

const flatten = (params: readonly ParamType[], prefix = ""): string[] =>
  params.flatMap((p) =>
    p.baseType === "tuple"
      ? flatten(p.components ?? [], prefix + (p.name === "" ? "" : `${p.name}.`))
      : [`${prefix}${p.name}:${p.type}`],
  );

// The codec is hand-written because ethers' ABI coder costs several times the eth_call itself on
// a local chain; checked against the ABI at load, so a change of the contract cannot go unnoticed.
if (
  flatten(VERIFY_LEAF.inputs).join() !== VERIFY_LEAF_LAYOUT.inputs.join() ||
  flatten(VERIFY_LEAF.outputs).join() !== VERIFY_LEAF_LAYOUT.outputs.join()
) {
  throw new Error("CertificateLedger.verifyLeaf changed its ABI: update server/chain/verifyLeafCodec.ts");
}

/** ethers computes a fragment's selector (a keccak256) on every read */
const VERIFY_LEAF_SELECTOR = VERIFY_LEAF.selector;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const word = (value: number): string => value.toString(16).padStart(64, "0");

/** verifyLeaf's calldata: selector, agency id, root, leaf, index, then the proof as a dynamic array. */
export function encodeVerifyLeaf(
  agencyId: number,
  root: string,
  leaf: string,
  index: number,
  proof: readonly string[],
): string {
  for (const value of [root, leaf, ...proof]) {
    if (!BYTES32.test(value))
      throw makeError("not a bytes32 hex string", "INVALID_ARGUMENT", { argument: "verifyLeaf", value });
  }
  if (!Number.isSafeInteger(index) || index < 0)
    throw makeError("bad leaf index", "INVALID_ARGUMENT", { argument: "index", value: index });
  if (!Number.isInteger(agencyId) || agencyId < 0 || agencyId > 0xffffffff) {
    throw makeError("bad agency id", "INVALID_ARGUMENT", { argument: "agencyId", value: agencyId });
  }
  const head =
    VERIFY_LEAF_SELECTOR +
    word(agencyId) +
    root.slice(2) +
    leaf.slice(2) +
    word(index) +
    word(5 * 32) +
    word(proof.length);
  return head + proof.map((node) => node.slice(2)).join("");
}

/** verifyLeaf's result: one static tuple, every field one 32-byte word in declaration order. */
export function decodeVerifyLeaf(data: string): LeafView {
  const words = VERIFY_LEAF_LAYOUT.outputs.length;
  if (data.length !== 2 + 64 * words || !/^0x[0-9a-fA-F]*$/.test(data)) {
    throw makeError("verifyLeaf returned data of the wrong shape", "BAD_DATA", { value: data });
  }
  const at = (i: number): bigint => BigInt(`0x${data.slice(2 + 64 * i, 66 + 64 * i)}`);
  const n = (i: number): number => Number(at(i));
  const address = (i: number): string => getAddress(`0x${data.slice(2 + 64 * i + 24, 2 + 64 * (i + 1))}`);
  return {
    chainId: n(0),
    anchored: at(1) !== 0n,
    proofValid: at(2) !== 0n,
    batch: {
      officer: address(3),
      agencyId: n(4),
      anchoredAt: n(5),
      typeId: n(6),
      size: n(7),
    },
    batchRevokedAt: n(8),
    batchRevocationReason: n(9),
    batchRevokedBy: address(10),
    status: LEAF_STATUS[n(11)] ?? "active",
    reason: n(12),
    statusByGovernance: at(13) !== 0n,
    agencyStatus: AGENCY_STATUS[n(14)] ?? "none",
    jurisdiction: n(15),
    issuerAuthorized: at(17) !== 0n,
    officerCompromisedSince: n(18),
  };
}
