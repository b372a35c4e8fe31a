import { basename } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import { LocalChainError } from "./localChainError.ts";
import { readPidFile, removePidFile } from "./pidFile.ts";
import { inspectProcess } from "./processInfo.ts";

export interface LeftoverOptions {
  readonly pidFile: string;
  readonly stateFile: string;
  readonly logger?: Logger | undefined;
  /** How long the leftover gets to dump its state and exit after SIGTERM before SIGKILL. */
  readonly graceMs: number;
}

const POLL_MS = 25;
const KILL_WAIT_MS = 5_000;

/**
 * A service killed with SIGKILL leaves its anvil running (re-parented, still holding the port and
 * dumping state). Before starting afresh: stop that orphan with SIGTERM so it writes its final
 * state, SIGKILL it if it does not exit in time, and clear the pid file. A pid file whose process
 * is gone, or whose pid now belongs to another program, is only removed. A chain still owned by a
 * live process (another instance on the same DATA_DIR) is left alone and refused.
 */
export async function stopLeftoverAnvil(options: LeftoverOptions): Promise<void> {
  const { pidFile, stateFile, logger } = options;
  const record = await readPidFile(pidFile);
  if (record === undefined) return;
  if (record === "invalid") {
    logger?.warn({ pidFile }, "removing an unreadable local chain pid file");
    await removePidFile(pidFile);
    return;
  }
  const leftover = await inspectProcess(record.pid);
  if (leftover?.state !== "running") {
    logger?.info({ pid: record.pid }, "removing the pid file of a local chain that is no longer running");
    await removePidFile(pidFile);
    return;
  }
  if (!isAnvilFor(leftover.argv, stateFile)) {
    logger?.warn(
      { pid: record.pid },
      "the local chain pid file names a process that is not its anvil; leaving that process alone",
    );
    await removePidFile(pidFile);
    return;
  }
  if (leftover.ppid === record.ownerPid && (await inspectProcess(record.ownerPid))?.state === "running") {
    throw new LocalChainError(
      "LOCAL_CHAIN_DATA_DIR_IN_USE",
      `the local chain of this data folder (anvil pid ${record.pid}) is still run by process ${record.ownerPid}: ` +
        "another certledger instance uses the same DATA_DIR. Stop it first, or give this one its own DATA_DIR.",
    );
  }

  logger?.warn(
    { pid: record.pid },
    "stopping the local chain left over from an earlier run; it dumps its state on exit",
  );
  signal(record.pid, "SIGTERM");
  if (!(await waitForExit(record.pid, options.graceMs))) {
    logger?.warn(
      { pid: record.pid, graceMs: options.graceMs },
      "the leftover local chain did not stop in time; killing it (blocks of its last second may be lost)",
    );
    signal(record.pid, "SIGKILL");
    if (!(await waitForExit(record.pid, KILL_WAIT_MS))) {
      throw new LocalChainError(
        "LOCAL_CHAIN_LEFTOVER_STUCK",
        `a local chain left over from an earlier run (anvil pid ${record.pid}) does not exit even after SIGKILL`,
      );
    }
  }
  await removePidFile(pidFile);
}

/** Our anvil for this data folder: the anvil binary, started with `--state <this state file>`. */
function isAnvilFor(argv: readonly string[], stateFile: string): boolean {
  const program = argv[0];
  if (program === undefined || basename(program) !== "anvil") return false;
  const stateIndex = argv.indexOf("--state");
  return stateIndex > 0 && argv[stateIndex + 1] === stateFile;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** True once `pid` is gone or a zombie (exited, waiting for init to reap it), false at the deadline. */
async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await inspectProcess(pid);
    if (info?.state !== "running") return true;
    if (Date.now() >= deadline) return false;
    await delay(POLL_MS);
  }
}
