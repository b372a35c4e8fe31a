import { readFile, rename, rm, writeFile } from "node:fs/promises";

/**
 * `<dataDir>/chain/anvil.pid`: line 1 the anvil pid (so `kill $(head -1 anvil.pid)` works),
 * line 2 the pid of the process that started it, which tells an orphan from a chain that another
 * running instance still owns.
 */
export interface PidRecord {
  readonly pid: number;
  readonly ownerPid: number;
}

export async function readPidFile(path: string): Promise<PidRecord | "invalid" | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const [pid, ownerPid] = text.split("\n").map((line) => Number(line.trim()));
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return "invalid";
  return { pid, ownerPid: ownerPid !== undefined && Number.isSafeInteger(ownerPid) ? ownerPid : 0 };
}

/** Written to a temporary file and renamed, so a crash never leaves half a pid file. */
export async function writePidFile(path: string, record: PidRecord): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${record.pid}\n${record.ownerPid}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

export async function removePidFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
