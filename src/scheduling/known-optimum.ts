import { seededRandom } from './seeded-random.js';

/** A workflow built around a schedule with no idle time, so its optimal makespan is known exactly. */
export interface KnownOptimumWorkflow {
  tasks: { id: string; dependencies: string[] }[];
  /** Milliseconds per task id. */
  durations: Record<string, number>;
  workers: number;
  /** The optimal makespan on `workers` workers. */
  optimumMs: number;
}

/** Options of {@link knownOptimumWorkflow}. */
export interface KnownOptimumOptions {
  seed: number;
  tasks: number;
  workers: number;
  /** Length of the hidden schedule, in whole milliseconds. Default 1000. */
  makespanMs?: number;
}

/**
 * Builds a random workflow whose optimal makespan is known, for measuring how far the planner is from it.
 * Each worker's lane of the hidden schedule is cut into tasks that fill it end to end, so total work equals
 * `workers × makespan`; every dependency points from a task that ends before the dependent starts, so the
 * hidden schedule is feasible. No schedule can beat work / workers, so the hidden one is optimal. Edges
 * favour tasks ending just before the dependent starts, which leaves little slack to find it.
 */
export function knownOptimumWorkflow(options: KnownOptimumOptions): KnownOptimumWorkflow {
  const { tasks: count, workers, makespanMs = 1000 } = options;
  const random = seededRandom(options.seed);
  const pick = (below: number) => Math.floor(random() * below);

  // Spread tasks over lanes (each gets at least one), then cut each lane at distinct whole milliseconds.
  const perLane = new Array<number>(workers).fill(1);
  for (let extra = count - workers; extra > 0; extra--) perLane[pick(workers)]!++;
  const spans: { start: number; end: number; lane: number }[] = [];
  perLane.forEach((tasksInLane, lane) => {
    const cuts = new Set<number>();
    while (cuts.size < tasksInLane - 1) cuts.add(1 + pick(makespanMs - 1));
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), makespanMs];
    for (let part = 0; part < tasksInLane; part++)
      spans.push({ start: bounds[part]!, end: bounds[part + 1]!, lane });
  });

  // Shuffle so that input order, the scheduler's last tie-break, does not give the hidden schedule away.
  for (let index = spans.length - 1; index > 0; index--) {
    const other = pick(index + 1);
    [spans[index], spans[other]] = [spans[other]!, spans[index]!];
  }
  const ids = spans.map((_, index) => `t${index}`);
  const tasks = spans.map((span, index) => {
    const earlier = spans
      .map((other, otherIndex) => ({ otherIndex, gap: span.start - other.end }))
      .filter(({ gap }) => gap >= 0)
      .sort((a, b) => a.gap - b.gap);
    const dependencies = new Set<string>();
    const wanted = Math.min(earlier.length, 1 + pick(3));
    // Mostly the tasks that end right before this one starts, sometimes any earlier one.
    while (dependencies.size < wanted) {
      const choice = random() < 0.7 ? pick(Math.min(earlier.length, workers)) : pick(earlier.length);
      dependencies.add(ids[earlier[choice]!.otherIndex]!);
    }
    return { id: ids[index]!, dependencies: [...dependencies] };
  });
  const durations = Object.fromEntries(spans.map((span, index) => [ids[index]!, span.end - span.start]));
  return { tasks, durations, workers, optimumMs: makespanMs };
}
