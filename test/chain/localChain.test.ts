import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { once } from "node:events";
import { expect } from "chai";
import { parseEther, Wallet, type JsonRpcProvider } from "ethers";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import {
  LocalChainError,
  localChainPaths,
  startLocalChain,
  type LocalChain,
} from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { freePort, isRunning, signalIfAlive, startChainOwner, tempDir, waitFor } from "./helpers.ts";

describe("startLocalChain", function () {
  this.timeout(60_000);

  const chains: LocalChain[] = [];
  const providers: JsonRpcProvider[] = [];
  const strayPids: number[] = [];
  const dirs: string[] = [];

  async function start(dataDir: string, port?: number): Promise<LocalChain> {
    const chain = await startLocalChain({ dataDir, port: port ?? (await freePort()) });
    chains.push(chain);
    return chain;
  }

  function providerFor(chain: { rpcUrl: string }): JsonRpcProvider {
    const provider = createProvider(chain.rpcUrl, { chainId: 31337 });
    providers.push(provider);
    return provider;
  }

  /** Dev-only governance account of the local chain pays a fresh address; returns both. */
  async function pay(provider: JsonRpcProvider, amount: bigint): Promise<{ to: string; hash: string }> {
    const payer = new Wallet(devAccountKeys().governance, provider);
    const to = Wallet.createRandom().address;
    const response = await payer.sendTransaction({ to, value: amount });
    await response.wait();
    return { to, hash: response.hash };
  }

  async function newDataDir(): Promise<string> {
    const dir = await tempDir("certledger-chain-");
    dirs.push(dir);
    return dir;
  }

  after(async () => {
    for (const provider of providers) provider.destroy();
    await Promise.all(chains.map((chain) => chain.stop()));
    for (const pid of strayPids) signalIfAlive(pid, "SIGKILL");
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("keeps blocks, transactions and balances across a SIGTERM restart", async () => {
    const dataDir = await newDataDir();
    const first = await start(dataDir);
    expect(first.chainId).to.equal(31337);
    expect(first.rpcUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const paths = localChainPaths(dataDir);
    expect((await readFile(paths.pidFile, "utf8")).split("\n").slice(0, 2)).to.deep.equal([
      String(first.pid),
      String(process.pid),
    ]);

    const amount = parseEther("1.2345");
    const { to, hash } = await pay(providerFor(first), amount);
    await first.stop();
    expect(await isRunning(first.pid)).to.be.false;
    expect(existsSync(paths.pidFile)).to.be.false;
    expect(existsSync(paths.stateFile)).to.be.true;

    // Another port on purpose: the state lives in the file, not in the port.
    const second = await start(dataDir);
    const provider = providerFor(second);
    expect(await provider.getBalance(to)).to.equal(amount);
    const receipt = await provider.getTransactionReceipt(hash);
    expect(receipt?.status).to.equal(1);
    await second.stop();
  });

  it("stop() is idempotent and reports the exit", async () => {
    const chain = await start(await newDataDir());
    await Promise.all([chain.stop(), chain.stop()]);
    await chain.stop();
    expect((await chain.exited).code).to.equal(0);
  });

  it("refuses a chain another live instance owns, then takes it over once that owner is SIGKILLed", async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const owner = await startChainOwner(dataDir, port, "stay");
    strayPids.push(owner.anvilPid, owner.child.pid ?? 0);

    const refused = await startLocalChain({ dataDir, port: await freePort() }).then(
      () => expect.fail("a second start on a live instance's data folder succeeded"),
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(LocalChainError);
    expect((refused as LocalChainError).code).to.equal("LOCAL_CHAIN_DATA_DIR_IN_USE");
    expect(await isRunning(owner.anvilPid)).to.be.true;

    owner.child.kill("SIGKILL");
    await once(owner.child, "exit");
    // The orphan lives on, still serving and holding the port: what a SIGKILLed service leaves.
    expect(await isRunning(owner.anvilPid)).to.be.true;
    const amount = parseEther("0.5");
    const { to, hash } = await pay(providerFor(owner), amount);

    const chain = await start(dataDir, port);
    expect(chain.pid).not.to.equal(owner.anvilPid);
    expect(await isRunning(owner.anvilPid)).to.be.false;
    const provider = providerFor(chain);
    expect(await provider.getBalance(to)).to.equal(amount);
    expect((await provider.getTransactionReceipt(hash))?.status).to.equal(1);
    await chain.stop();
  });

  it("stops its anvil when the owning process exits normally", async () => {
    const dataDir = await newDataDir();
    const owner = await startChainOwner(dataDir, await freePort(), "exit");
    strayPids.push(owner.anvilPid);
    await waitFor(async () => !(await isRunning(owner.anvilPid)), "anvil to exit with its owner");
  });

  it("removes a stale pid file whose process is gone", async () => {
    const dataDir = await newDataDir();
    const paths = localChainPaths(dataDir);
    const gone = spawn(process.execPath, ["-e", ""]);
    await once(gone, "exit");
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.pidFile, `${gone.pid}\n0\n`);

    const chain = await start(dataDir);
    expect((await readFile(paths.pidFile, "utf8")).split("\n")[0]).to.equal(String(chain.pid));
    await chain.stop();
  });

  it("leaves alone a live process that is not its anvil, even when the pid file names it", async () => {
    const dataDir = await newDataDir();
    const bystander = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await once(bystander, "spawn");
    strayPids.push(bystander.pid ?? 0);
    const first = await start(dataDir);
    await first.stop();
    await writeFile(localChainPaths(dataDir).pidFile, `${bystander.pid}\n0\n`);

    const chain = await start(dataDir);
    expect(await isRunning(bystander.pid ?? 0)).to.be.true;
    await chain.stop();
    bystander.kill("SIGKILL");
  });

  describe("when the port is taken", () => {
    let blocker: Server | undefined;
    after(() => {
      blocker?.close();
    });

    it("fails with a message naming the port and LOCAL_CHAIN_PORT", async () => {
      const dataDir = await newDataDir();
      const port = await freePort();
      blocker = createServer();
      blocker.listen(port, "127.0.0.1");
      await once(blocker, "listening");

      const error = await startLocalChain({ dataDir, port }).then(
        () => expect.fail("started on a taken port"),
        (reason: unknown) => reason,
      );
      expect(error).to.be.instanceOf(LocalChainError);
      expect((error as LocalChainError).code).to.equal("LOCAL_CHAIN_PORT_IN_USE");
      expect((error as Error).message)
        .to.include(String(port))
        .and.to.include("LOCAL_CHAIN_PORT");
      expect(existsSync(localChainPaths(dataDir).pidFile)).to.be.false;
    });
  });

  it("restarts from the previous start's state when the state file was left damaged", async () => {
    const dataDir = await newDataDir();
    const paths = localChainPaths(dataDir);
    const first = await start(dataDir);
    const before = await pay(providerFor(first), 7n);
    await first.stop();
    const second = await start(dataDir);
    expect(second.restoredBackup).to.be.false;
    const lost = await pay(providerFor(second), 9n);
    await second.stop();
    const state = await readFile(paths.stateFile, "utf8");
    await writeFile(paths.stateFile, state.slice(0, Math.floor(state.length / 2)));

    const third = await start(dataDir);
    expect(third.restoredBackup).to.be.true;
    const provider = providerFor(third);
    expect(await provider.getBalance(before.to)).to.equal(7n);
    expect(await provider.getBalance(lost.to)).to.equal(0n);
    const kept = (await readdir(paths.dir)).filter((name) => name.startsWith("state.json.damaged-"));
    expect(kept).to.have.length(1);
    await third.stop();
  });

  it("explains a damaged state file it has no backup for, and leaves no process behind", async () => {
    const dataDir = await newDataDir();
    const paths = localChainPaths(dataDir);
    const first = await start(dataDir);
    await first.stop();
    const state = await readFile(paths.stateFile, "utf8");
    await writeFile(paths.stateFile, state.slice(0, Math.floor(state.length / 2)));

    const error = await startLocalChain({ dataDir, port: await freePort() }).then(
      () => expect.fail("started from a truncated state file"),
      (reason: unknown) => reason,
    );
    expect((error as LocalChainError).code).to.equal("LOCAL_CHAIN_START_FAILED");
    expect((error as Error).message).to.include(paths.stateFile);
    expect(existsSync(paths.pidFile)).to.be.false;
  });
});
