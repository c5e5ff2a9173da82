/** How well a parallel run used its workers (the guide's `calculate_speedup`). */
export interface SpeedupReport {
  /** The number of workers: the most any run could gain. */
  idealSpeedup: number;
  /** Sequential time over parallel time. */
  actualSpeedup: number;
  /** Actual over ideal speedup, between 0 and 1 for a run no better than perfect. */
  efficiency: number;
}

/**
 * Compares a parallel run with a sequential one.
 *
 * @example `calculateSpeedup(600, 240, 3)` → `{ idealSpeedup: 3, actualSpeedup: 2.5, efficiency: 0.833… }`
 * @throws {RangeError} when a time is not positive or `workers` is not a whole number of at least 1.
 */
export function calculateSpeedup(sequentialMs: number, parallelMs: number, workers: number): SpeedupReport {
  const problems: string[] = [];
  if (!(Number.isFinite(sequentialMs) && sequentialMs > 0)) problems.push(`sequentialMs ${sequentialMs}`);
  if (!(Number.isFinite(parallelMs) && parallelMs > 0)) problems.push(`parallelMs ${parallelMs}`);
  if (!(Number.isInteger(workers) && workers >= 1)) problems.push(`workers ${workers}`);
  if (problems.length > 0) throw new RangeError(`calculateSpeedup: invalid ${problems.join(', ')}`);
  const actualSpeedup = sequentialMs / parallelMs;
  return { idealSpeedup: workers, actualSpeedup, efficiency: actualSpeedup / workers };
}
