import { copyFile, readFile, rename } from "node:fs/promises";
import type { Logger } from "pino";

type StateFileCondition = "missing" | "complete" | "damaged";

/**
 * Anvil rewrites its state file in place (truncate, then write) every second, so an anvil killed
 * with SIGKILL mid-write leaves a truncated file it refuses to load. Before each start: a complete
 * file is copied to `state.json.bak`; a damaged one is moved aside (`state.json.damaged-<ms>`) and
 * the backup, the chain as it was at the previous start, put in its place. Blocks mined since then
 * are lost: the service re-checks on start that what it anchored is still on chain.
 * Returns true when it restored the backup.
 */
export async function guardStateFile(stateFile: string, logger: Logger | undefined): Promise<boolean> {
  const backup = `${stateFile}.bak`;
  const condition = await inspectStateFile(stateFile);
  if (condition === "missing") return false;
  if (condition === "complete") {
    const temporary = `${backup}.${process.pid}.tmp`;
    await copyFile(stateFile, temporary);
    await rename(temporary, backup);
    return false;
  }
  if ((await inspectStateFile(backup)) !== "complete") return false;
  const damaged = `${stateFile}.damaged-${Date.now()}`;
  await rename(stateFile, damaged);
  await copyFile(backup, stateFile);
  logger?.error(
    { damaged, restoredFrom: backup },
    "the local chain's state file was damaged (anvil killed while writing it); restored the chain as it was at the previous start",
  );
  return true;
}

async function inspectStateFile(path: string): Promise<StateFileCondition> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    JSON.parse(text);
    return "complete";
  } catch {
    return "damaged";
  }
}
