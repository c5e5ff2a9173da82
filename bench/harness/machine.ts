import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** The machine a report was measured on. */
export interface MachineInfo {
  /** Cores this process may use (`os.availableParallelism()`). */
  cores: number;
  logicalCpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  arch: string;
  totalMemoryGiB: number;
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    logicalCpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** CPU counters at one moment, to compare with a later one. */
export interface CpuSnapshot {
  /** `performance.now()`. */
  atMs: number;
  /** Busy time of all CPUs together since boot (user, nice, system, irq). */
  machineBusyMs: number;
  /**
   * CPU time of this process, all of its threads (workers included) together, plus that of its child
   * processes that have ended (process pools, worker processes), as far as the OS tells.
   */
  ownMs: number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: number[];
}

/** Reads the CPU counters now. */
export function cpuSnapshot(): CpuSnapshot {
  let machineBusyMs = 0;
  for (const { times } of os.cpus()) machineBusyMs += times.user + times.nice + times.sys + times.irq;
  const own = process.cpuUsage();
  return {
    atMs: performance.now(),
    machineBusyMs,
    ownMs: (own.user + own.system) / 1000 + endedChildrenMs(),
    loadAverage: os.loadavg(),
  };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every mainstream Linux). */
const USER_HZ = 100;

/**
 * CPU time of this process's ended and reaped child processes: `cutime` and `cstime` of /proc/self/stat
 * (fields 16 and 17). 0 where /proc does not exist.
 */
function endedChildrenMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name in parentheses may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / USER_HZ || 0;
  } catch {
    return 0;
  }
}

/** Where the machine's CPU time went between two snapshots. */
export interface CpuActivity {
  wallMs: number;
  /** CPU time every process used. */
  machineBusyMs: number;
  /** CPU time this process used (its worker threads and ended child processes included). */
  ownMs: number;
  /** CPU time other processes used. */
  foreignMs: number;
  /** Other processes' CPU time as a share of all the cores' time (0 to 1). */
  foreignShare: number;
}

/** Compares two snapshots. */
export function cpuActivity(before: CpuSnapshot, after: CpuSnapshot, cores: number): CpuActivity {
  const wallMs = after.atMs - before.atMs;
  const machineBusyMs = after.machineBusyMs - before.machineBusyMs;
  const ownMs = after.ownMs - before.ownMs;
  // The OS counts in clock ticks, so a quiet machine can show a few milliseconds less than this process.
  const foreignMs = Math.max(0, machineBusyMs - ownMs);
  return {
    wallMs,
    machineBusyMs,
    ownMs,
    foreignMs,
    foreignShare: wallMs > 0 ? foreignMs / (wallMs * cores) : 0,
  };
}

/** Other processes may use this share of all cores before a run counts as disturbed. */
export const FOREIGN_SHARE_LIMIT = 0.05;

/** Shorter stretches are not judged: the OS counts CPU time in clock ticks of about 10 ms. */
const MIN_JUDGED_MS = 1000;

/**
 * Sentences warning that the machine was busy: a high 1-minute load average before the run (omit it
 * where our own earlier work would count), or other processes using a noticeable share of the CPU while
 * it ran. Either makes speedups and overheads unreliable.
 */
export function busyWarnings(
  loadBefore: number | undefined,
  activity: CpuActivity,
  cores: number,
  what = 'the run',
): string[] {
  const warnings: string[] = [];
  const loadLimit = Math.max(0.5, 0.25 * cores);
  if (loadBefore !== undefined && loadBefore >= loadLimit)
    warnings.push(
      `The machine was busy before ${what}: 1-minute load average ${loadBefore.toFixed(2)} on ${cores} cores ` +
        `(limit ${loadLimit.toFixed(2)}).`,
    );
  if (activity.wallMs >= MIN_JUDGED_MS && activity.foreignShare > FOREIGN_SHARE_LIMIT)
    warnings.push(
      `Other processes used ${(activity.foreignShare * 100).toFixed(0)}% of the CPU during ${what} ` +
        `(${(activity.foreignMs / 1000).toFixed(1)} s of CPU time against ${(activity.ownMs / 1000).toFixed(1)} s ` +
        'of our own): speedups and overheads measured meanwhile are unreliable.',
    );
  return warnings;
}
