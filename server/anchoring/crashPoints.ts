import { writeSync } from "node:fs";

/**
 * The moments of the outbox where a crash leaves something half done: a transaction signed and
 * its hash recorded but not broadcast; broadcast but its receipt not read; its receipt read but
 * not committed to the store. Tests crash the service at each (`CERTLEDGER_CRASH_AT`) to prove a
 * restart finishes the work exactly once.
 */
export const CRASH_POINTS = [
  "anchor:signed",
  "anchor:broadcast",
  "anchor:receipt",
  "status:signed",
  "status:broadcast",
  "status:receipt",
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_VARIABLE = "CERTLEDGER_CRASH_AT";

/** The hook set where it must not be, or set to no known point: the service does not start. */
export class CrashHookRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrashHookRefused";
  }
}

let armed: CrashPoint | null = null;

/**
 * Reads `CERTLEDGER_CRASH_AT` once at start. It kills the process on purpose, so it is refused
 * unless `NODE_ENV=test`: a stray variable in production must stop the start, not the service later.
 */
export function armCrashPoint(env: NodeJS.ProcessEnv): void {
  const wanted = env[CRASH_VARIABLE];
  if (wanted === undefined || wanted === "") return;
  if (env.NODE_ENV !== "test") {
    throw new CrashHookRefused(
      `${CRASH_VARIABLE} is a test hook that kills the service; it is refused unless NODE_ENV=test`,
    );
  }
  const point = CRASH_POINTS.find((p) => p === wanted);
  if (!point) throw new CrashHookRefused(`${CRASH_VARIABLE} must be one of ${CRASH_POINTS.join(", ")}`);
  armed = point;
}

/** Dies here, at once and without clean-up, if a test armed this point. */
export function crashPoint(point: CrashPoint): void {
  if (armed !== point) return;
  writeSync(2, `certledger: crashing at ${point} (${CRASH_VARIABLE}, test hook)\n`);
  process.kill(process.pid, "SIGKILL");
}
