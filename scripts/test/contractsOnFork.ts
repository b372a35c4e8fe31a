// Runs the contract test suite (mocha) against anvil started with an older hardfork, on contracts
// compiled for that fork: proof that the contracts run on consortium chains that lag mainnet.
// Usage: tsx scripts/test/contractsOnFork.ts [hardfork]   (default london)
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { resolveAnvilBinary } from "../../server/chain/localChain/anvilBinary.ts";

const hardfork = process.argv[2] ?? "london";
/** The suites of the contracts themselves; deployCertledger.test.ts checks the service's default build. */
const SUITES = readdirSync(new URL("../../test/contracts/", import.meta.url))
  .filter((name) => name.endsWith(".test.ts") && name !== "deployCertledger.test.ts")
  .sort()
  .map((name) => `test/contracts/${name}`);

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

interface RpcMessage {
  id?: unknown;
  method?: string;
  result?: unknown;
}

async function rpc(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

/**
 * anvil answers eth_sendTransaction before its automine task has mined the transaction, so a test
 * that reads state right after a send can see the block before it. In front of anvil, this proxy
 * answers a send only once its receipt exists: the suites see the chain as Hardhat's in-process
 * network shows it, where a sent transaction is mined when the call returns.
 */
function minedOnSendProxy(anvilUrl: string, port: number): Promise<Server> {
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcMessage | RpcMessage[];
        const answer = (await rpc(anvilUrl, body)) as RpcMessage | RpcMessage[];
        const sends = (Array.isArray(answer) ? answer : [answer]).filter((message, i) => {
          const asked = Array.isArray(body) ? body[i] : body;
          return (
            (asked?.method === "eth_sendTransaction" || asked?.method === "eth_sendRawTransaction") &&
            typeof message.result === "string"
          );
        });
        for (const sent of sends) {
          for (let tries = 0; tries < 500; tries++) {
            const receipt = (await rpc(anvilUrl, {
              jsonrpc: "2.0",
              id: 0,
              method: "eth_getTransactionReceipt",
              params: [sent.result],
            })) as RpcMessage;
            if (receipt.result) break;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify(answer));
      })().catch((error: unknown) => {
        response.statusCode = 502;
        response.end(String(error));
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
}

const env = { CERTLEDGER_EVM_VERSION: hardfork };
await run("npx", ["hardhat", "build", "--quiet"], env);
// One fresh chain per suite: fixtures revert to snapshots, and one suite's snapshots must not
// rewind another's chain.
for (const suite of SUITES) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const anvil = spawn(resolveAnvilBinary(), ["--hardfork", hardfork, "--port", String(port), "--silent"], {
    stdio: "inherit",
  });
  let proxy: Server | null = null;
  try {
    await waitForRpc(url, anvil);
    const proxyPort = await freePort();
    proxy = await minedOnSendProxy(url, proxyPort);
    await run("npx", ["hardhat", "test", "mocha", "--network", "anvil", suite], {
      ...env,
      CERTLEDGER_ANVIL_URL: `http://127.0.0.1:${proxyPort}`,
    });
  } finally {
    proxy?.close();
    anvil.kill("SIGTERM");
    if (anvil.exitCode === null) await once(anvil, "exit");
  }
}
console.log(`contracts compiled for ${hardfork}: the contract suites passed on anvil --hardfork ${hardfork}`);
