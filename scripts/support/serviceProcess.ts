import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** A port nobody listens on right now (the OS picks it), so parallel runs do not collide. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await delay(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ""}`);
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGKILL to the whole process group (npm, tsx, node): a crash, no clean-up runs */
  kill(): Promise<void>;
  /** SIGTERM to the group and wait for it to exit: a clean stop */
  stop(): Promise<void>;
}

/**
 * Runs the service exactly as a user does, `npm start`, in its own process group; `direct` runs
 * `server/main.ts` without npm and the contract build (built already), for tests that start it often.
 * `readyPollMs` is how often `/readyz` is asked (a benchmark timing the start asks more often).
 */
export async function startServiceProcess(
  env: Record<string, string>,
  cwd: string,
  options: { direct?: boolean; readyPollMs?: number } = {},
): Promise<ServiceProcess> {
  const [command, args] = options.direct
    ? [process.execPath, ["--import", "tsx", "server/main.ts"]]
    : ["npm", ["start", "--silent"]];
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${env.PORT ?? "3000"}`;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  await waitFor(
    "the service to become ready",
    async () => {
      // a signal (a crash) leaves exitCode null: without npm in between the service's own exit shows
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the service exited with ${child.exitCode ?? child.signalCode ?? "?"}:\n${output}`);
      }
      const response = await fetch(`${url}/readyz`);
      return response.ok ? true : undefined;
    },
    90_000,
    options.readyPollMs ?? 200,
  ).catch((error: unknown) => {
    signalGroup("SIGKILL");
    throw error;
  });
  return {
    child,
    url,
    output: () => output,
    async kill() {
      signalGroup("SIGKILL");
      await exited;
    },
    async stop() {
      // The service stops its local chain on SIGTERM, but npm may exit first: wait for the chain
      // too, which writes its final state into DATA_DIR as it goes.
      const chainPid = await readChainPid(env.DATA_DIR);
      signalGroup("SIGTERM");
      await exited;
      if (chainPid !== null)
        await waitFor(
          "the local chain to exit",
          () => Promise.resolve(isAlive(chainPid) ? undefined : true),
          20_000,
          50,
        );
    },
  };
}

/** The pid of the embedded chain the service started in `dataDir`, if it runs one. */
export async function readChainPid(dataDir: string | undefined): Promise<number | null> {
  if (dataDir === undefined) return null;
  try {
    const pid = Number((await readFile(join(dataDir, "chain", "anvil.pid"), "utf8")).split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
