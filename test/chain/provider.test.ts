import { once } from "node:events";
import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { expect } from "chai";
import { isError, parseEther, Wallet, type JsonRpcProvider } from "ethers";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider, isChainUnavailable, readChainId } from "../../server/chain/provider.ts";
import { freePort, tempDir } from "./helpers.ts";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

async function httpServer(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

describe("chain provider", function () {
  this.timeout(30_000);

  let dataDir = "";
  let chain: LocalChain;
  const providers: JsonRpcProvider[] = [];
  const servers: Server[] = [];

  function provider(url: string, timeoutMs?: number): JsonRpcProvider {
    const created = createProvider(url, { chainId: 31337, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    providers.push(created);
    return created;
  }

  before(async () => {
    dataDir = await tempDir("certledger-provider-");
    chain = await startLocalChain({ dataDir, port: await freePort() });
  });

  after(async () => {
    for (const created of providers) created.destroy();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("readChainId reads the chain id with one request", async () => {
    expect(await readChainId(chain.rpcUrl)).to.equal(31337);
  });

  it("lets one wallet send transactions back to back without reusing a cached nonce", async () => {
    const wallet = new Wallet(devAccountKeys().serviceSigner, provider(chain.rpcUrl));
    const to = Wallet.createRandom().address;
    const first = await wallet.sendTransaction({ to, value: 1n });
    const second = await wallet.sendTransaction({ to, value: 2n });
    expect(second.nonce).to.equal(first.nonce + 1);
    await second.wait();
    expect(await wallet.provider?.getBalance(to)).to.equal(3n);
  });

  describe("isChainUnavailable", () => {
    it("is true, promptly, when nothing listens at the RPC URL", async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const started = Date.now();
      const error = await rejection(provider(url).getBlockNumber());
      expect(Date.now() - started).to.be.below(2_000);
      expect(isChainUnavailable(error)).to.be.true;
      expect(isChainUnavailable(await rejection(readChainId(url)))).to.be.true;
    });

    it("is true when the node does not answer in time", async () => {
      const { server, url } = await httpServer(() => undefined);
      servers.push(server);
      const error = await rejection(provider(url, 200).getBlockNumber());
      expect(isError(error, "TIMEOUT")).to.be.true;
      expect(isChainUnavailable(error)).to.be.true;
      expect(isChainUnavailable(await rejection(readChainId(url, 200)))).to.be.true;
    });

    it("is true when a gateway in front of the node fails (HTTP 503)", async () => {
      const { server, url } = await httpServer((_request, response) => {
        response.statusCode = 503;
        response.end("upstream down");
      });
      servers.push(server);
      const error = await rejection(provider(url).getBlockNumber());
      expect(isChainUnavailable(error)).to.be.true;
      expect(isChainUnavailable(await rejection(readChainId(url)))).to.be.true;
    });

    it("is false for a revert: the chain answered", async () => {
      const chainProvider = provider(chain.rpcUrl);
      const deployer = new Wallet(devAccountKeys().governance, chainProvider);
      // Init code deploying the runtime `PUSH1 0 PUSH1 0 REVERT`: every call to it reverts.
      const deployment = await deployer.sendTransaction({ data: "0x6460006000fd6000526005601bf3" });
      const address = (await deployment.wait())?.contractAddress;
      expect(address).to.be.a("string");
      const error = await rejection(chainProvider.call({ to: address ?? "", data: "0x12345678" }));
      expect(isError(error, "CALL_EXCEPTION")).to.be.true;
      expect(isChainUnavailable(error)).to.be.false;
    });

    it("is false for a transaction the node rejects", async () => {
      const broke = new Wallet(Wallet.createRandom().privateKey, provider(chain.rpcUrl));
      const error = await rejection(broke.sendTransaction({ to: broke.address, value: parseEther("1") }));
      expect(isChainUnavailable(error)).to.be.false;
    });

    it("looks through causes, and ignores what is not an error", () => {
      const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      expect(isChainUnavailable(new Error("wrapped", { cause: refused }))).to.be.true;
      expect(isChainUnavailable(new AggregateError([new Error("x"), refused]))).to.be.true;
      const revert = Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", error: refused });
      expect(isChainUnavailable(revert)).to.be.false;
      expect(isChainUnavailable(new Error("something else"))).to.be.false;
      expect(isChainUnavailable("ECONNREFUSED")).to.be.false;
      expect(isChainUnavailable(undefined)).to.be.false;
    });
  });
});
