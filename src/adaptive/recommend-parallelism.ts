import { availableParallelism, loadavg } from 'node:os';

/**
 * How many CPU tasks to run at once on this machine: the cores the process may use, less the cores other
 * processes are keeping busy (the one-minute load average), and at least 1.
 */
export function recommendParallelism(): number {
  const cores = availableParallelism();
  const busyElsewhere = Math.floor(loadavg()[0] ?? 0);
  return Math.max(1, Math.min(cores, cores - busyElsewhere));
}
