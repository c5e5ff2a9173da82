import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';

/** What the machine looks like right now, as {@link recommendParallelism} and the 'auto' controller see it. */
export interface MachineReadings {
  /** Cores this process may use (`os.availableParallelism()`). */
  cores: number;
  /** One-minute load average: runnable processes, averaged, including this one's threads. */
  loadAverage: number;
  /** Cores kept busy by other processes during the last CPU sample, when one was taken. */
  foreignBusyCores?: number;
  freeMemoryBytes: number;
  totalMemoryBytes: number;
}

/** Cumulative CPU time of the machine and of this process at one instant, to be differenced. */
export interface CpuSnapshot {
  /** Sum over all CPUs of time spent busy, in milliseconds. */
  machineBusyMs: number;
  /** This process's user + system time over all its threads, in milliseconds. */
  ownBusyMs: number;
  /** Wall clock of the snapshot (`performance.now()`), in milliseconds. */
  atMs: number;
}

/** Takes a {@link CpuSnapshot}. */
export function takeCpuSnapshot(): CpuSnapshot {
  let machineBusyMs = 0;
  for (const { times } of cpus()) machineBusyMs += times.user + times.nice + times.sys + times.irq;
  const own = process.cpuUsage();
  return { machineBusyMs, ownBusyMs: (own.user + own.system) / 1000, atMs: performance.now() };
}

/** Cores this process and other processes kept busy between two snapshots. */
export interface CpuUsage {
  ownCores: number;
  foreignCores: number;
}

/**
 * CPU use between two snapshots, in cores. Other processes' share is the machine's busy time less this
 * process's, which is what the 'auto' controller must leave alone.
 */
export function cpuUsageBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const elapsedMs = after.atMs - before.atMs;
  if (elapsedMs <= 0) return { ownCores: 0, foreignCores: 0 };
  const ownCores = Math.max(0, (after.ownBusyMs - before.ownBusyMs) / elapsedMs);
  const machineCores = Math.max(0, (after.machineBusyMs - before.machineBusyMs) / elapsedMs);
  return { ownCores, foreignCores: Math.max(0, machineCores - ownCores) };
}

/** How long {@link readMachine} samples CPU use when asked to. */
export const CPU_SAMPLE_MS = 50;

/**
 * Reads the machine now. With `sampleCpu`, it also measures what other processes use over
 * {@link CPU_SAMPLE_MS}, blocking the thread that long (the sample needs two readings apart in time, and
 * callers such as the coordinator's constructor are synchronous).
 */
export function readMachine({ sampleCpu = false }: { sampleCpu?: boolean } = {}): MachineReadings {
  const readings: MachineReadings = {
    cores: availableParallelism(),
    loadAverage: loadavg()[0] ?? 0,
    freeMemoryBytes: freemem(),
    totalMemoryBytes: totalmem(),
  };
  if (!sampleCpu) return readings;
  const before = takeCpuSnapshot();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, CPU_SAMPLE_MS);
  readings.foreignBusyCores = cpuUsageBetween(before, takeCpuSnapshot()).foreignCores;
  return readings;
}
