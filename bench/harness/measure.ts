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

/** What {@link measureRounds} measured, by case name: one number per measured run. */
export interface RoundSamples {
  /** Wall-clock milliseconds. */
  wallMs: Record<string, number[]>;
  /**
   * CPU milliseconds of this process (main thread and worker threads): unlike wall time, barely changed by
   * other processes competing for the cores, so it shows overhead even on a busy machine.
   */
  cpuMs: Record<string, number[]>;
}

/**
 * Runs every case once per round, the order rotating between rounds so that drift (thermal, other load)
 * spreads over all contenders instead of favouring one.
 */
export async function measureRounds(
  cases: readonly BenchCase[],
  options: RoundOptions,
): Promise<RoundSamples> {
  const empty = () => Object.fromEntries(cases.map((entry) => [entry.name, [] as number[]]));
  const samples: RoundSamples = { wallMs: empty(), cpuMs: empty() };
  const rounds = options.warmup + options.repetitions;
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmup;
    for (const position of roundOrder(cases.length, round)) {
      const entry = cases[position]!;
      options.onRun?.(entry.name, round, measured);
      const cpu = process.cpuUsage();
      const start = performance.now();
      await entry.run();
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(cpu);
      if (measured) {
        samples.wallMs[entry.name]!.push(elapsed);
        samples.cpuMs[entry.name]!.push((used.user + used.system) / 1000);
      }
    }
  }
  return samples;
}
