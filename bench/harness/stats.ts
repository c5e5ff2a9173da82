/**
 * The arithmetic of the report: summaries of repeated samples, speedup, efficiency, makespan lower
 * bounds and throughput. Pure functions, unit-tested.
 *
 * @module
 */

/** Median, min and max of repeated timings of one case. */
export interface SampleSummary {
  median: number;
  min: number;
  max: number;
  count: number;
}

/** The middle value (the mean of the two middle values for an even count). @throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median of per-round ratios `numerators[i] / denominators[i]`. Contenders that ran in the same round
 * ran minutes apart at most, so pairing them cancels the slow drift of a shared machine (clock speed, other
 * tenants) that a ratio of two medians keeps. @throws on empty or unequal lists.
 */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): number {
  if (numerators.length !== denominators.length)
    throw new RangeError(`paired samples differ in count: ${numerators.length} and ${denominators.length}`);
  return median(numerators.map((value, round) => value / denominators[round]!));
}

/** Median, min and max of the samples. @throws on an empty list. */
export function summarize(samples: readonly number[]): SampleSummary {
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    count: samples.length,
  };
}

/**
 * The best speedup `workers` threads can reach on `cores` cores: one per thread, but no more than the
 * cores (an oversubscribed pool cannot beat the hardware).
 */
export function idealSpeedup(workers: number, cores: number): number {
  return Math.min(workers, cores);
}

/**
 * Speedup as a fraction of the ideal (the guide's "efficiency"): 1 means every thread was fully used. The
 * speedup itself is `calculateSpeedup` of src/scheduling/speedup.ts, given {@link idealSpeedup} workers.
 */
export function efficiency(measuredSpeedup: number, workers: number, cores: number): number {
  return measuredSpeedup / idealSpeedup(workers, cores);
}

/**
 * No schedule of a workflow can finish sooner than its critical path, nor sooner than its total work
 * spread evenly over the workers: `max(totalWork / workers, criticalPath)`.
 */
export function makespanLowerBound(totalWorkMs: number, workers: number, criticalPathMs: number): number {
  return Math.max(totalWorkMs / workers, criticalPathMs);
}

/** Lower bound over measured makespan: 1 means no schedule could have been faster. */
export function scheduleEfficiency(lowerBoundMs: number, measuredMs: number): number {
  return lowerBoundMs / measuredMs;
}

/** Tasks per second. */
export function throughput(tasks: number, elapsedMs: number): number {
  return (tasks * 1000) / elapsedMs;
}

/** The order of `count` contenders in repetition `round`: rotated by one each round, so each takes every place. */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, position) => (position + round) % count);
}

/**
 * Worker counts to measure on `cores` cores: every count from 1 to the cores on small machines (powers of
 * two and the core count above 8), then twice the cores, oversubscribed.
 */
export function workerCounts(cores: number): number[] {
  const counts = new Set<number>();
  if (cores <= 8) for (let workers = 1; workers <= cores; workers++) counts.add(workers);
  else for (let workers = 1; workers < cores; workers *= 2) counts.add(workers);
  counts.add(cores);
  counts.add(2 * cores);
  return [...counts].sort((a, b) => a - b);
}
