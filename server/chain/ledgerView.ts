import { JsonRpcApiProvider, getAddress, isError, makeError, type JsonRpcPayload, type Log, type ParamType, type Provider } from "ethers";
import { ICertificateLedger__factory, type ICertificateLedger } from "../../types/ethers-contracts/index.ts";
import {
  ChainUnavailableError,
  NoLedgerError,
  type AgencyStatusName,
  type ChainEventRef,
  type LeafStatusName,
  type LeafView,
  type LedgerView,
} from "../core/verification/ledgerView.ts";
import { isChainUnavailable } from "./provider.ts";

const AGENCY_STATUS: readonly AgencyStatusName[] = ["none", "active", "suspended", "retired"];
const LEAF_STATUS: readonly LeafStatusName[] = ["active", "suspended", "revoked"];

const VERIFY_LEAF = ICertificateLedger__factory.createInterface().getFunction("verifyLeaf");

/** The layout the hand-written codec below assumes, as `name:type`, nested tuples flattened. */
const VERIFY_LEAF_LAYOUT = {
  inputs: ["root:bytes32", "leaf:bytes32", "index:uint256", "proof:bytes32[]"],
  outputs: [
    "chainId:uint256",
    "anchored:bool",
    "proofValid:bool",
    "batch.officer:address",
    "batch.agencyId:uint32",
    "batch.anchoredAt:uint32",
    "batch.typeId:uint8",
    "batch.size:uint24",
    "batchRevokedAt:uint64",
    "batchRevocationReason:uint8",
    "status:uint8",
    "reason:uint8",
    "agencyStatus:uint8",
    "jurisdiction:uint32",
    "agencyMetadataHash:bytes32",
    "issuerAuthorized:bool",
    "officerCompromisedSince:uint40",
  ],
};

const flatten = (params: readonly ParamType[], prefix = ""): string[] =>
  params.flatMap((p) => (p.baseType === "tuple" ? flatten(p.components ?? [], prefix + (p.name === "" ? "" : `${p.name}.`)) : [`${prefix}${p.name}:${p.type}`]));

// The codec is hand-written because ethers' ABI coder costs several times the eth_call itself on
// a local chain; checked against the ABI at load, so a change of the contract cannot go unnoticed.
if (
  flatten(VERIFY_LEAF.inputs).join() !== VERIFY_LEAF_LAYOUT.inputs.join() ||
  flatten(VERIFY_LEAF.outputs).join() !== VERIFY_LEAF_LAYOUT.outputs.join()
) {
  throw new Error("CertificateLedger.verifyLeaf changed its ABI: update the codec in server/chain/ledgerView.ts");
}

/** ethers computes a fragment's selector (a keccak256) on every read */
const VERIFY_LEAF_SELECTOR = VERIFY_LEAF.selector;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const word = (value: number): string => value.toString(16).padStart(64, "0");

/** verifyLeaf's calldata: selector, root, leaf, index, then the proof as a dynamic array. */
export function encodeVerifyLeaf(root: string, leaf: string, index: number, proof: readonly string[]): string {
  for (const value of [root, leaf, ...proof]) {
    if (!BYTES32.test(value)) throw makeError("not a bytes32 hex string", "INVALID_ARGUMENT", { argument: "verifyLeaf", value });
  }
  if (!Number.isSafeInteger(index) || index < 0) throw makeError("bad leaf index", "INVALID_ARGUMENT", { argument: "index", value: index });
  const head = VERIFY_LEAF_SELECTOR + root.slice(2) + leaf.slice(2) + word(index) + word(4 * 32) + word(proof.length);
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
  return {
    chainId: n(0),
    anchored: at(1) !== 0n,
    proofValid: at(2) !== 0n,
    batch: {
      officer: getAddress(`0x${data.slice(2 + 64 * 3 + 24, 2 + 64 * 4)}`),
      agencyId: n(4),
      anchoredAt: n(5),
      typeId: n(6),
      size: n(7),
    },
    batchRevokedAt: n(8),
    batchRevocationReason: n(9),
    status: LEAF_STATUS[n(10)] ?? "active",
    reason: n(11),
    agencyStatus: AGENCY_STATUS[n(12)] ?? "none",
    jurisdiction: n(13),
    issuerAuthorized: at(15) !== 0n,
    officerCompromisedSince: n(16),
  };
}

/** The verification engine's view of a deployed CertificateLedger, read through ethers. */
export class EthersLedgerView implements LedgerView {
  readonly ledger: string;
  readonly #contract: ICertificateLedger;
  readonly #provider: Provider;
  readonly #fromBlock: number;
  #nextRequestId = 1;

  constructor(provider: Provider, ledger: string, options: { fromBlock?: number } = {}) {
    this.ledger = ledger;
    this.#provider = provider;
    this.#contract = ICertificateLedger__factory.connect(ledger, provider);
    this.#fromBlock = options.fromBlock ?? 0;
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isChainUnavailable(error)) {
        throw new ChainUnavailableError("the chain cannot be reached right now", { cause: error });
      }
      if (isError(error, "BAD_DATA") || (isError(error, "CALL_EXCEPTION") && error.data === "0x")) {
        throw new NoLedgerError(`no certledger ledger answers at ${this.ledger} on this chain`);
      }
      throw error;
    }
  }

  /**
   * One eth_call of `data` to the ledger. Over JSON-RPC it goes straight to the endpoint: ethers'
   * request queue (`send`, `call`, contract methods) waits on a timer of at least 1 ms per request,
   * and its call path adds more, several times what a local node takes to answer: verification
   * one document after another would be bound by those waits, not by the chain.
   */
  async #ethCall(data: string): Promise<string> {
    const provider = this.#provider;
    if (!(provider instanceof JsonRpcApiProvider)) return provider.call({ to: this.ledger, data });
    const payload: JsonRpcPayload = { jsonrpc: "2.0", id: this.#nextRequestId++, method: "eth_call", params: [{ to: this.ledger, data }, "latest"] };
    const [response] = await provider._send(payload);
    if (response === undefined) throw makeError("the node sent no JSON-RPC response", "BAD_DATA", { value: response });
    if ("error" in response) throw provider.getRpcError(payload, response);
    if (typeof response.result !== "string") throw makeError("eth_call returned no data", "BAD_DATA", { value: response.result });
    return response.result;
  }

  verifyLeaf(root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView> {
    return this.#guard(async () => decodeVerifyLeaf(await this.#ethCall(encodeVerifyLeaf(root, leaf, index, proof))));
  }

  async #ref(log: Pick<Log, "blockNumber" | "transactionHash"> | undefined): Promise<ChainEventRef | null> {
    if (!log) return null;
    const block = await this.#provider.getBlock(log.blockNumber);
    return { txHash: log.transactionHash, blockNumber: log.blockNumber, time: block?.timestamp ?? 0 };
  }

  anchorEvent(root: string): Promise<ChainEventRef | null> {
    return this.#guard(async () => {
      const logs = await this.#contract.queryFilter(this.#contract.filters.BatchAnchored(root), this.#fromBlock);
      return this.#ref(logs[0]);
    });
  }

  statusEvent(root: string, leaf: string): Promise<ChainEventRef | null> {
    return this.#guard(async () => {
      const f = this.#contract.filters;
      const found = await Promise.all([
        this.#contract.queryFilter(f.CertificateRevoked(leaf, root), this.#fromBlock),
        this.#contract.queryFilter(f.CertificateSuspended(leaf, root), this.#fromBlock),
        this.#contract.queryFilter(f.BatchRevoked(root), this.#fromBlock),
      ]);
      const latest = found.flat().sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index).at(-1);
      return this.#ref(latest);
    });
  }
}
