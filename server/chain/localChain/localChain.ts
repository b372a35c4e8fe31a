import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import { resolveAnvilBinary } from "./anvilBinary.ts";
import { DEV_CHAIN_ID, DEV_MNEMONIC } from "./devAccounts.ts";
import { stopLeftoverAnvil } from "./leftoverAnvil.ts";
import { LocalChainError } from "./localChainError.ts";
import { removePidFile, writePidFile } from "./pidFile.ts";
import { isChainUnavailable, readChainId } from "../provider.ts";
import { guardStateFile } from "./stateBackup.ts";

export { LocalChainError, type LocalChainErrorCode } from "./localChainError.ts";

export interface StartLocalChainOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly logger?: Logger;
  /** Until anvil answers eth_chainId. Loading a large state file takes a while. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** What anvil gets to write its final state and exit after SIGTERM before SIGKILL. Default 15 s. */
  readonly stopGraceMs?: number;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LocalChain {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly pid: number;
  readonly stateFile: string;
  /**
   * True when the state file was damaged and the chain restarted from its backup (the chain as
   * it was at the previous start): main should re-check anchors against the chain.
   */
  readonly restoredBackup: boolean;
  /** Settles when anvil exits, stopped or not: main may treat an early settle as fatal. */
  readonly exited: Promise<ChildExit>;
  /**
   * SIGTERM, wait for anvil's final state dump and exit (SIGKILL after the grace period), remove
   * the pid file. Idempotent. Call it on SIGINT/SIGTERM after the service has stopped writing.
   */
  stop(): Promise<void>;
}

export interface LocalChainPaths {
  readonly dir: string;
  readonly stateFile: string;
  readonly pidFile: string;
}

const HOST = "127.0.0.1";
const POLL_MS = 50;
const PORT_GRACE_MS = 3_000;
const PROBE_TIMEOUT_MS = 1_000;
const STDERR_TAIL_CHARS = 4_000;

export function localChainPaths(dataDir: string): LocalChainPaths {
  const dir = join(resolve(dataDir), "chain");
  return { dir, stateFile: join(dir, "state.json"), pidFile: join(dir, "anvil.pid") };
}

/**
 * Starts the embedded chain: anvil with its state in `<dataDir>/chain/state.json` (loaded at start,
 * written every second and at exit), automining, chain id 31337, the dev-only default accounts.
 * A leftover anvil of an earlier run on the same folder is stopped first; a state file damaged
 * by a SIGKILLed anvil is replaced by its backup from the previous start. Resolves once anvil
 * answers eth_chainId. While it runs, a normal exit of this process (process.on("exit")) sends
 * SIGTERM too; SIGINT/SIGTERM of this process are main's to handle, by calling `stop()`.
 */
export async function startLocalChain(options: StartLocalChainOptions): Promise<LocalChain> {
  const { port, logger } = options;
  const binary = resolveAnvilBinary();
  const paths = localChainPaths(options.dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await stopLeftoverAnvil({ ...paths, logger, graceMs: options.stopGraceMs ?? 15_000 });
  await assertPortFree(port);
  const restoredBackup = await guardStateFile(paths.stateFile, logger);

  const child = spawn(binary, anvilArguments(paths.stateFile, port), {
    // Its own process group: a terminal's Ctrl-C reaches only the service, which then stops the
    // chain after its last write instead of racing it.
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<ChildExit>((resolveExit) => {
    child.once("exit", (code, signal) => {
      resolveExit({ code, signal });
    });
  });
  const stderrTail = captureTail(child.stderr, logger);
  const pid = await spawned(child);

  const running = () => child.exitCode === null && child.signalCode === null;
  const terminateOnExit = () => {
    if (running()) child.kill("SIGTERM");
  };
  process.on("exit", terminateOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.off("exit", terminateOnExit);
      if (running()) {
        child.kill("SIGTERM");
        if (!(await settlesWithin(exited, options.stopGraceMs ?? 15_000))) {
          logger?.warn(
            { pid },
            "the local chain did not stop in time; killing it (blocks of its last second may be lost)",
          );
          child.kill("SIGKILL");
          await exited;
        }
      }
      await removePidFile(paths.pidFile);
    })());
  void exited.then((exit) => {
    if (stopping === undefined) logger?.error({ ...exit, stderr: stderrTail() }, "the local chain exited unexpectedly");
  });

  const rpcUrl = `http://${HOST}:${port}`;
  try {
    await writePidFile(paths.pidFile, { pid, ownerPid: process.pid });
    const chainId = await waitUntilAnswering(rpcUrl, exited, options.startTimeoutMs ?? 30_000, stderrTail, paths, port);
    if (chainId !== DEV_CHAIN_ID) {
      throw new LocalChainError(
        "LOCAL_CHAIN_PORT_IN_USE",
        `something other than the local chain answers on ${rpcUrl} (chain id ${chainId}); set LOCAL_CHAIN_PORT to a free port`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  logger?.info({ rpcUrl, pid, stateFile: paths.stateFile }, "local chain started");
  return { rpcUrl, chainId: DEV_CHAIN_ID, pid, stateFile: paths.stateFile, restoredBackup, exited, stop };
}

function anvilArguments(stateFile: string, port: number): string[] {
  return [
    "--state",
    stateFile,
    "--state-interval",
    "1",
    "--port",
    String(port),
    "--host",
    HOST,
    "--chain-id",
    String(DEV_CHAIN_ID),
    "--mnemonic",
    DEV_MNEMONIC,
    // Without it anvil prints its banner, dev private keys included, and a line per request.
    "--quiet",
  ];
}

/**
 * Fails when something listens on `port`, after a short grace: a leftover anvil just stopped has
 * exited, yet its listening socket may take a moment longer to go.
 */
async function assertPortFree(port: number, graceMs = PORT_GRACE_MS): Promise<void> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    try {
      await probePort(port);
      return;
    } catch (error) {
      if (!(error instanceof LocalChainError) || Date.now() >= deadline) throw error;
      await delay(POLL_MS);
    }
  }
}

async function probePort(port: number): Promise<void> {
  await new Promise<void>((resolveFree, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? portInUse(port) : error);
    });
    probe.listen({ port, host: HOST, exclusive: true }, () => {
      probe.close(() => {
        resolveFree();
      });
    });
  });
}

function portInUse(port: number): LocalChainError {
  return new LocalChainError(
    "LOCAL_CHAIN_PORT_IN_USE",
    `port ${port} on ${HOST} is taken by another program, so the local chain cannot listen there; ` +
      "set LOCAL_CHAIN_PORT to a free port (the chain's state does not depend on it)",
  );
}

async function spawned(child: ChildProcess): Promise<number> {
  await new Promise<void>((resolveSpawn, reject) => {
    child.once("spawn", resolveSpawn);
    child.once("error", (error) => {
      reject(
        new LocalChainError("LOCAL_CHAIN_START_FAILED", `anvil could not be started: ${error.message}`, {
          cause: error,
        }),
      );
    });
  });
  if (child.pid === undefined) throw new LocalChainError("LOCAL_CHAIN_START_FAILED", "anvil started without a pid");
  return child.pid;
}

/** Keeps the end of anvil's stderr (errors only, with --quiet) for error messages, and logs it. */
function captureTail(stream: Readable, logger: Logger | undefined): () => string {
  let tail = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
    for (const line of chunk.split("\n")) {
      if (line.trim() !== "") logger?.warn({ anvil: line.trim() }, "local chain stderr");
    }
  });
  return () => tail.trim();
}

async function waitUntilAnswering(
  rpcUrl: string,
  exited: Promise<ChildExit>,
  timeoutMs: number,
  stderrTail: () => string,
  paths: LocalChainPaths,
  port: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let exit: ChildExit | undefined;
  void exited.then((value) => {
    exit = value;
  });
  for (;;) {
    if (exit !== undefined) throw startFailure(exit, stderrTail(), paths, port);
    try {
      return await readChainId(rpcUrl, PROBE_TIMEOUT_MS);
    } catch (error) {
      if (!isChainUnavailable(error)) throw error;
    }
    if (Date.now() >= deadline) {
      throw new LocalChainError(
        "LOCAL_CHAIN_START_TIMEOUT",
        `the local chain did not answer on ${rpcUrl} within ${timeoutMs} ms`,
      );
    }
    await Promise.race([delay(POLL_MS), exited]);
  }
}

function startFailure(exit: ChildExit, stderr: string, paths: LocalChainPaths, port: number): LocalChainError {
  if (/address already in use/i.test(stderr)) return portInUse(port);
  const hint = /state|json/i.test(stderr)
    ? `The state file ${paths.stateFile} looks damaged (was anvil killed while writing it?): ` +
      "move it aside to start from an empty chain. "
    : "";
  return new LocalChainError(
    "LOCAL_CHAIN_START_FAILED",
    `anvil exited (${exit.signal ?? `code ${exit.code}`}) before answering. ${hint}anvil said: ${stderr || "nothing"}`,
  );
}

async function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  const timeout = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), delay(timeoutMs, false, { signal: timeout.signal })]);
  } finally {
    timeout.abort();
  }
}
