import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface ProcessInfo {
  /** A zombie has exited (its final work is done) and only waits for its parent to reap it. */
  readonly state: "running" | "zombie";
  readonly ppid: number;
  readonly argv: readonly string[];
}

/** What the OS says about `pid`, or undefined when no such process exists. */
export async function inspectProcess(pid: number): Promise<ProcessInfo | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return process.platform === "linux" ? fromProc(pid) : fromPs(pid);
}

async function fromProc(pid: number): Promise<ProcessInfo | undefined> {
  let stat: string;
  let cmdline: string;
  try {
    [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/cmdline`, "utf8"),
    ]);
  } catch {
    return undefined;
  }
  // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so read after the last ")".
  const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    state: state === "Z" || state === "X" ? "zombie" : "running",
    ppid: Number(ppid),
    argv: cmdline.split("\0").filter((arg) => arg !== ""),
  };
}

/** macOS has no /proc; ps joins arguments with spaces, which is enough for the checks made here. */
async function fromPs(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const { stdout } = await execFileAsync("ps", ["-o", "stat=", "-o", "ppid=", "-o", "args=", "-p", String(pid)]);
    const match = /^\s*(\S+)\s+(\d+)\s+(.*)$/.exec(stdout.trim());
    if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return undefined;
    return {
      state: match[1].startsWith("Z") ? "zombie" : "running",
      ppid: Number(match[2]),
      argv: match[3].split(" "),
    };
  } catch {
    return undefined;
  }
}
