// Runs the contract test suite (mocha) against anvil started with an older hardfork, on contracts
// compiled for that fork: proof that the contracts run on consortium chains that lag mainnet.
// Usage: tsx scripts/test/contractsOnFork.ts [hardfork]   (default london)
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { resolveAnvilBinary } from "../../server/chain/anvilBinary.ts";

const hardfork = process.argv[2] ?? "london";
/** The suites of the contracts themselves; deployCertledger.test.ts checks the service's default build. */
const SUITES = ["test/contracts/AgencyRegistry.test.ts", "test/contracts/CertificateLedger.*.test.ts"];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env }, shell: true });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${String(code)}`);
}

async function waitForRpc(url: string, anvil: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (anvil.exitCode !== null) throw new Error(`anvil exited with ${anvil.exitCode}`);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("anvil did not answer within 30 s");
}

const env = { CERTLEDGER_EVM_VERSION: hardfork };
await run("npx", ["hardhat", "build", "--quiet"], env);
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const anvil = spawn(resolveAnvilBinary(), ["--hardfork", hardfork, "--port", String(port), "--silent"], { stdio: "inherit" });
try {
  await waitForRpc(url, anvil);
  await run("npx", ["hardhat", "test", "mocha", "--network", "anvil", ...SUITES], { ...env, CERTLEDGER_ANVIL_URL: url });
  console.log(`contracts compiled for ${hardfork}: the contract suite passed on anvil --hardfork ${hardfork}`);
} finally {
  anvil.kill("SIGTERM");
  if (anvil.exitCode === null) await once(anvil, "exit");
}
