import { performance } from 'node:perf_hooks';
import { roundOrder } from './stats.js';

/** One contender of a comparison: a name and one run of the whole workload. */
export interface BenchCase {
  name: string;
  run(): Promise<unknown> | unknown;
}

/** How often to run each case. */
export interface RoundOptions {
  /** Unmeasured rounds first: threads start, modules load, the JIT warms up. */
  warmup: number;
  repetitions: number;
  /** Called before each case runs, e.g. to show progress. */
  onRun?(caseName: string, round: number, measured: boolean): void;
}

/**
 * Runs every case once per round, the order rotating between rounds so that drift (thermal, other load)
 * spreads over all contenders instead of favouring one.
 *
 * @returns Wall-clock milliseconds of each measured run, by case name.
 */
export async function measureRounds(
  cases: readonly BenchCase[],
  options: RoundOptions,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = Object.fromEntries(cases.map((entry) => [entry.name, []]));
  const rounds = options.warmup + options.repetitions;
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmup;
    for (const position of roundOrder(cases.length, round)) {
      const entry = cases[position]!;
      options.onRun?.(entry.name, round, measured);
      const start = performance.now();
      await entry.run();
      const elapsed = performance.now() - start;
      if (measured) samples[entry.name]!.push(elapsed);
    }
  }
  return samples;
}
