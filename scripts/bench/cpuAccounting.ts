import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { sampleValue } from "./prometheus.ts";

/**
 * Where a benchmark's CPU went: the service (its own `process_cpu_seconds_total`, every thread),
 * the local chain (anvil, from /proc), the load generator (this process) and the rest of the
 * machine, over the same interval, per certificate. On a 2-core machine that runs all three, an
 * issuance ceiling is as often the machine's as the service's; this tells which.
 */
export interface CpuReading {
  /** performance.now() of the reading */
  at: number;
  service: number;
  /** seconds the service's event loop was busy (one thread; `service` adds them all up) */
  serviceEventLoop: number;
  chain: number | null;
  generator: number;
  /** /proc/stat, all cores, seconds; null off Linux */
  machine: { busy: number; steal: number; total: number } | null;
}

/** The clock ticks /proc counts in: USER_HZ, 100 on every Linux Node.js runs on. */
const TICKS_PER_SECOND = 100;

async function machineSeconds(): Promise<CpuReading["machine"]> {
  try {
    const line = (await readFile("/proc/stat", "utf8")).split("\n", 1)[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const seconds = (ticks: number) => ticks / TICKS_PER_SECOND;
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
    return {
      busy: seconds(busy),
      steal: seconds(steal ?? 0),
      total: seconds(busy + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0)),
    };
  } catch {
    return null;
  }
}

async function processSeconds(pid: number | null): Promise<number | null> {
  if (pid === null) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The reading that goes with `metrics`, the service's exposition the caller has just fetched. */
export async function readCpu(metrics: string, chainPid: number | null): Promise<CpuReading> {
  const [chain, machine] = await Promise.all([processSeconds(chainPid), machineSeconds()]);
  const { user, system } = process.cpuUsage();
  return {
    at: performance.now(),
    service: sampleValue(metrics, "process_cpu_seconds_total") ?? NaN,
    serviceEventLoop: sampleValue(metrics, "certledger_event_loop_busy_seconds_total") ?? NaN,
    chain,
    generator: (user + system) / 1e6,
    machine,
  };
}

export interface CpuPerCertificate {
  /** microseconds of CPU per certificate */
  serviceMicroseconds: number;
  chainMicroseconds: number | null;
  generatorMicroseconds: number;
  /** everything else the machine ran (npm and tsx wrappers, the kernel's own work, other tenants' processes) */
  otherMicroseconds: number | null;
  /** busy share of the service's event loop over the interval: near 1, that one thread was the ceiling */
  serviceEventLoopBusyShare: number;
  /** busy share of all cores over the interval: near 1, the machine was the ceiling */
  machineBusyShare: number | null;
  /** share of the interval the hypervisor gave to other guests */
  stealShare: number | null;
}

export function cpuPerCertificate(before: CpuReading, after: CpuReading, certificates: number): CpuPerCertificate {
  const per = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, certificates));
  const service = after.service - before.service;
  const chain = after.chain !== null && before.chain !== null ? after.chain - before.chain : null;
  const generator = after.generator - before.generator;
  const machine =
    after.machine && before.machine
      ? {
          busy: after.machine.busy - before.machine.busy,
          steal: after.machine.steal - before.machine.steal,
          total: after.machine.total - before.machine.total,
        }
      : null;
  const share = (n: number | undefined) =>
    machine && machine.total > 0 && n !== undefined ? Math.round((n / machine.total) * 100) / 100 : null;
  return {
    serviceMicroseconds: per(service),
    serviceEventLoopBusyShare:
      Math.round(((after.serviceEventLoop - before.serviceEventLoop) / ((after.at - before.at) / 1000)) * 100) / 100,
    chainMicroseconds: chain === null ? null : per(chain),
    generatorMicroseconds: per(generator),
    otherMicroseconds: machine ? per(Math.max(0, machine.busy - service - (chain ?? 0) - generator)) : null,
    machineBusyShare: share(machine?.busy),
    stealShare: share(machine?.steal),
  };
}

export interface MachineYardstick {
  cpu: string;
  cores: number;
  /** node:crypto SHA-256 of 64 bytes on one core, best of three rounds: no project code in it, so it compares machines, not commits */
  sha256PerSecond: number;
  loadAverage: number;
}

/**
 * How fast the machine was when a figure was measured. The same commit ran at half its speed on
 * two machines of the same size hours apart (shared hosts); the yardstick beside a figure says
 * whether a change between two runs is the code's or the machine's.
 */
export function machineYardstick(): MachineYardstick {
  const input = Buffer.alloc(64, 7);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < 250) {
      for (let i = 0; i < 1000; i++) createHash("sha256").update(input).digest();
      count += 1000;
    }
    best = Math.max(best, count / ((performance.now() - started) / 1000));
  }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    sha256PerSecond: Math.round(best),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
