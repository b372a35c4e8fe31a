import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { inspectProcess } from "../../server/chain/localChain/processInfo.ts";
export { freePort } from "../../scripts/support/serviceProcess.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Polls `condition` until it holds; fails after `timeoutMs`, never waits a fixed time. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}

export async function isRunning(pid: number): Promise<boolean> {
  return (await inspectProcess(pid))?.state === "running";
}

/** Sends `signal` to `pid` if it still exists. */
export function signalIfAlive(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export interface ChainOwner {
  readonly child: ChildProcess;
  readonly anvilPid: number;
  readonly rpcUrl: string;
}

/**
 * Runs test/chain/fixtures/chainOwner.ts in its own Node process (one process: node --import tsx,
 * not the tsx wrapper), which starts the local chain and reports it on stdout.
 */
export async function startChainOwner(dataDir: string, port: number, mode: "stay" | "exit"): Promise<ChainOwner> {
  const fixture = fileURLToPath(new URL("./fixtures/chainOwner.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dataDir, String(port), mode], {
    cwd: REPO_ROOT,
    env: { ...process.env, CERTLEDGER_CHAIN_OWNER_FIXTURE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const line = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      reject(new Error(`the chain owner fixture did not report within 20 s: ${stderr}`));
    }, 20_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf("\n");
      if (end >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the chain owner fixture exited (${code}) before reporting: ${stderr}`));
    });
  });
  const report = JSON.parse(line) as { pid: number; rpcUrl: string };
  return { child, anvilPid: report.pid, rpcUrl: report.rpcUrl };
}
