import type { MachineReadings } from './machine-readings.js';
import { readMachine } from './machine-readings.js';

/** Memory set aside for each worker thread when sizing the pool: its heap, stack and the agent's data. */
export const MEMORY_PER_WORKER_BYTES = 256 * 2 ** 20;

/**
 * How many CPU tasks to run at once on this machine, at least 1:
 *
 * ```
 * taken   = (foreignBusyCores + min(loadAverage, cores)) / 2      // without a CPU sample: min(loadAverage, cores)
 * byCpu   = cores − round(taken)                                  // a core counts as taken when over half busy
 * byMemory = floor(freeMemory / 256 MiB)
 * result  = max(1, min(byCpu, byMemory))
 * ```
 *
 * The CPU sample says what other processes do right now; the one-minute load average says whether it lasts.
 * Averaging them keeps a burst from halving the pool, and a process that just ended from holding it down.
 *
 * @param readings - The machine's state; read now, with a 50 ms CPU sample, when omitted. Tests pass their own.
 */
export function recommendParallelism(readings: MachineReadings = readMachine({ sampleCpu: true })): number {
  const { cores, loadAverage, foreignBusyCores, freeMemoryBytes } = readings;
  const loadCores = Math.min(Math.max(0, loadAverage), cores);
  const taken =
    foreignBusyCores === undefined ? loadCores : (Math.min(foreignBusyCores, cores) + loadCores) / 2;
  // Rounding half down: a core exactly half busy still runs a worker at full speed half the time.
  const byCpu = cores - Math.ceil(taken - 0.5);
  const byMemory = Math.floor(freeMemoryBytes / MEMORY_PER_WORKER_BYTES);
  return Math.max(1, Math.min(byCpu, byMemory));
}
