import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { bottomLevels } from '../../src/graph/ranks.js';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import type { PlannedTask } from '../../src/scheduling/planner.js';
import { DEFAULT_TASK_DURATION_MS, planWorkflow } from '../../src/scheduling/planner.js';
import { simulateOrder } from '../../src/scheduling/simulate-order.js';
import { TaskPriority } from '../../src/types.js';

const task = (id: string, dependencies: string[] = [], extra: Partial<PlannedTask> = {}): PlannedTask => ({
  id,
  dependencies,
  ...extra,
});

describe('planWorkflow', () => {
  // a(10) → b(20), c(30), d(10) → e(5). One worker: 75. Two: a, then c ‖ b then d, then e = 10+30+5 = 45,
  // which is also the critical path a-c-e, so no count does better.
  const forkJoin = [
    task('a'),
    task('b', ['a']),
    task('c', ['a']),
    task('d', ['a']),
    task('e', ['b', 'c', 'd']),
  ];
  const forkJoinMs = { a: 10, b: 20, c: 30, d: 10, e: 5 };

  it('predicts a fork-join workflow as computed by hand', () => {
    const plan = planWorkflow(forkJoin, { workers: 3, durations: forkJoinMs });
    expect(plan.criticalPathMs).toBe(45);
    expect(plan.sequentialMs).toBe(75);
    expect(plan.plans.map((p) => [p.workers, p.makespanMs])).toEqual([
      [1, 75],
      [2, 45],
      [3, 45],
    ]);
    expect(plan.plans[1]!.speedup).toBeCloseTo(75 / 45, 10);
    expect(plan.plans[1]!.efficiency).toBeCloseTo(75 / 45 / 2, 10);
    expect(plan.plans[2]!.efficiency).toBeCloseTo(75 / 45 / 3, 10);
    // 1 → 2 workers saves 40%; 2 → 3 saves nothing: the knee is 2.
    expect(plan.recommendedWorkers).toBe(2);
    expect(plan.plans[0]!.startOrder[0]).toBe('a');
    expect(plan.plans[0]!.startOrder.at(-1)).toBe('e');
    expect([...plan.plans[0]!.startOrder].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('finds the packing that plain critical-path order misses', () => {
    // Durations 30, 30, 20, 20, 20 on two workers: longest first gives 30+20+20 = 70 on one worker;
    // the optimum pairs 30+30 and 20+20+20 = 60.
    const tasks = ['p', 'q', 'r', 's', 't'].map((id) => task(id));
    const durations = { p: 30, q: 30, r: 20, s: 20, t: 20 };
    const graph = buildTaskGraph(tasks);
    const costs = [30, 30, 20, 20, 20];
    const plain = simulateOrder(
      { graph, costs },
      { priorityClass: new Uint8Array(5), urgency: bottomLevels(graph, costs) },
      2,
    );
    expect(plain.makespanMs).toBe(70);
    const plan = planWorkflow(tasks, { workers: [2], durations });
    expect(plan.plans[0]!.makespanMs).toBe(60);
  });

  it('recommends one worker for a chain', () => {
    const chain = [task('a'), task('b', ['a']), task('c', ['b'])];
    const plan = planWorkflow(chain, { workers: [1, 2, 4], durations: { a: 5, b: 5, c: 5 } });
    expect(plan.plans.map((p) => p.makespanMs)).toEqual([15, 15, 15]);
    expect(plan.recommendedWorkers).toBe(1);
  });

  it('stops at the knee: a worker must cut the makespan by 5% to be worth adding', () => {
    // 20 tasks of 10 ms and one of 200 ms: past 2 workers the long task dominates.
    const tasks = [task('long'), ...Array.from({ length: 20 }, (_, i) => task(`short${i}`))];
    const durations: Record<string, number> = { long: 200 };
    for (let i = 0; i < 20; i++) durations[`short${i}`] = 10;
    const plan = planWorkflow(tasks, { workers: 6, durations });
    expect(plan.plans.map((p) => p.makespanMs)).toEqual([400, 200, 200, 200, 200, 200]);
    expect(plan.recommendedWorkers).toBe(2);
  });

  it('uses the default duration for tasks without one, and plans worker counts in ascending order', () => {
    const tasks = ['a', 'b', 'c', 'd'].map((id) => task(id));
    const plan = planWorkflow(tasks, { workers: [4, 2, 2] });
    expect(plan.plans.map((p) => [p.workers, p.makespanMs])).toEqual([
      [2, 2 * DEFAULT_TASK_DURATION_MS],
      [4, DEFAULT_TASK_DURATION_MS],
    ]);
    expect(planWorkflow(tasks, { workers: 1, defaultDurationMs: 7 }).sequentialMs).toBe(28);
  });

  it('keeps priority classes, as the real run does', () => {
    // On one worker, the critical low-priority task still waits for the high-priority one.
    const tasks = [
      task('low', [], { priority: TaskPriority.LOW }),
      task('high', [], { priority: TaskPriority.HIGH }),
    ];
    const plan = planWorkflow(tasks, { workers: 1, durations: { low: 50, high: 10 } });
    expect(plan.plans[0]!.startOrder).toEqual(['high', 'low']);
  });

  it('plans an empty workflow as taking no time on one worker', () => {
    const plan = planWorkflow([], { workers: 3 });
    expect(plan.plans.map((p) => [p.makespanMs, p.speedup])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(plan.recommendedWorkers).toBe(1);
  });

  it('reports every problem with the tasks and options at once', () => {
    const tasks = [task('a'), task('a'), task('c', ['missing'])];
    let caught: unknown;
    try {
      planWorkflow(tasks, { workers: [0, 2.5], durations: { a: -1, nobody: 3 }, searchEvaluations: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const fields = (caught as ValidationError).issues.map((issue) => issue.field);
    expect(fields.sort()).toEqual(
      ['id', 'dependencies[0]', 'workers', 'durations.a', 'durations.nobody', 'searchEvaluations'].sort(),
    );
  });

  it('names a dependency cycle', () => {
    expect(() => planWorkflow([task('a', ['b']), task('b', ['a'])], { workers: 2 })).toThrow(/cycle/);
  });
});
