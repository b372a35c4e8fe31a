import { JsonRpcApiProvider, isError, makeError, type JsonRpcPayload, type Log, type Provider } from "ethers";
import { ICertificateLedger__factory, type ICertificateLedger } from "../../types/ethers-contracts/index.ts";
import {
  ChainUnavailableError,
  NoLedgerError,
  type ChainEventRef,
  type LeafView,
  type LedgerView,
  type RestorationRef,
  type StatusEventRef,
} from "../core/verification/ledgerView.ts";
import { isChainUnavailable } from "./provider.ts";
import { parseStatusTarget } from "./statusTarget.ts";
import { decodeVerifyLeaf, encodeVerifyLeaf } from "./verifyLeafCodec.ts";

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
    const payload: JsonRpcPayload = {
      jsonrpc: "2.0",
      id: this.#nextRequestId++,
      method: "eth_call",
      params: [{ to: this.ledger, data }, "latest"],
    };
    const [response] = await provider._send(payload);
    if (response === undefined) throw makeError("the node sent no JSON-RPC response", "BAD_DATA", { value: response });
    if ("error" in response) throw provider.getRpcError(payload, response);
    if (typeof response.result !== "string")
      throw makeError("eth_call returned no data", "BAD_DATA", { value: response.result });
    return response.result;
  }

  verifyLeaf(agencyId: number, root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView> {
    return this.#guard(async () =>
      decodeVerifyLeaf(await this.#ethCall(encodeVerifyLeaf(agencyId, root, leaf, index, proof))),
    );
  }

  async #ref(log: Pick<Log, "blockNumber" | "transactionHash"> | undefined): Promise<ChainEventRef | null> {
    if (!log) return null;
    const block = await this.#provider.getBlock(log.blockNumber);
    return { txHash: log.transactionHash, blockNumber: log.blockNumber, time: block?.timestamp ?? 0 };
  }

  anchorEvent(agencyId: number, root: string): Promise<ChainEventRef | null> {
    return this.#guard(async () => {
      const logs = await this.#contract.queryFilter(
        this.#contract.filters.BatchAnchored(root, agencyId),
        this.#fromBlock,
      );
      return this.#ref(logs[0]);
    });
  }

  statusEvent(agencyId: number, root: string, leaf: string): Promise<StatusEventRef | null> {
    return this.#guard(async () => {
      const f = this.#contract.filters;
      const [revoked, suspended, batchRevoked] = await Promise.all([
        this.#contract.queryFilter(f.CertificateRevoked(leaf, root), this.#fromBlock),
        this.#contract.queryFilter(f.CertificateSuspended(leaf, root), this.#fromBlock),
        this.#contract.queryFilter(f.BatchRevoked(root, agencyId), this.#fromBlock),
      ]);
      // the same root may be another agency's batch too: only this agency's events count
      const latest = latestOf([
        ...[...revoked, ...suspended].filter((log) => parseStatusTarget(log.args.target).agencyId === agencyId),
        ...batchRevoked,
      ]);
      const ref = await this.#ref(latest);
      return ref && latest ? { ...ref, actor: latest.args.actor } : null;
    });
  }

  restorationEvent(agencyId: number, root: string, leaf: string): Promise<RestorationRef | null> {
    return this.#guard(async () => {
      const f = this.#contract.filters;
      const [certificate, batch] = await Promise.all([
        this.#contract.queryFilter(f.CertificateRestored(leaf, root), this.#fromBlock),
        this.#contract.queryFilter(f.BatchRestored(root, agencyId), this.#fromBlock),
      ]);
      const ownCertificate = latestOf(certificate.filter((log) => Number(log.args.agencyId) === agencyId));
      const ownBatch = latestOf(batch);
      const latest = latestOf([ownCertificate, ownBatch].filter((log) => log !== undefined));
      const ref = await this.#ref(latest);
      if (!ref || !latest) return null;
      if (ownBatch && latest === ownBatch)
        return { ...ref, actor: ownBatch.args.actor, scope: "batch", undid: ownBatch.args.revokedBy };
      if (!ownCertificate) return null;
      return {
        ...ref,
        actor: ownCertificate.args.actor,
        scope: "certificate",
        undid: ownCertificate.args.compromisedOfficer,
      };
    });
  }
}

function latestOf<T extends Pick<Log, "blockNumber" | "index">>(logs: readonly T[]): T | undefined {
  return [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index).at(-1);
}
