import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { knownOptimumWorkflow } from '../../src/scheduling/known-optimum.js';
import { searchDispatchOrder } from '../../src/scheduling/order-search.js';
import { planWorkflow } from '../../src/scheduling/planner.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';
import { simulateOrder } from '../../src/scheduling/simulate-order.js';

describe('knownOptimumWorkflow', () => {
  it('builds a valid workflow whose work fills every worker for exactly the optimum', () => {
    const workflow = knownOptimumWorkflow({ seed: 7, tasks: 100, workers: 8 });
    expect(workflow.tasks).toHaveLength(100);
    const work = Object.values(workflow.durations).reduce((sum, ms) => sum + ms, 0);
    expect(work).toBe(8 * workflow.optimumMs);
    // planWorkflow validates the graph (no cycles, no unknown ids) and cannot beat work / workers.
    const plan = planWorkflow(workflow.tasks, { workers: [8], durations: workflow.durations });
    expect(plan.plans[0]!.makespanMs).toBeGreaterThanOrEqual(workflow.optimumMs);
  });
});

describe('planner schedules', () => {
  it('stay within 2% of the known optimum on 100-task graphs, 0.3% on average', () => {
    const gaps: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      for (const workers of [4, 8]) {
        const workflow = knownOptimumWorkflow({ seed, tasks: 100, workers });
        const plan = planWorkflow(workflow.tasks, { workers: [workers], durations: workflow.durations });
        gaps.push(plan.plans[0]!.makespanMs / workflow.optimumMs - 1);
      }
    }
    expect(Math.max(...gaps)).toBeLessThan(0.02);
    expect(gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length).toBeLessThan(0.003);
  });

  it('match the best of every dispatch order on small graphs (brute force)', () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 8; trial++) {
      const size = 7;
      const tasks = Array.from({ length: size }, (_, index) => ({
        id: `t${index}`,
        dependencies: Array.from({ length: index }, (_, earlier) => `t${earlier}`).filter(
          () => random() < 0.25,
        ),
      }));
      const costs = tasks.map(() => 1 + Math.floor(random() * 9));
      const graph = buildTaskGraph(tasks);
      const workers = 2 + (trial % 2);
      let bestOfAll = Number.POSITIVE_INFINITY;
      for (const order of permutations(size)) {
        const urgency = new Float64Array(size);
        order.forEach((index, position) => {
          urgency[index] = size - position;
        });
        const { makespanMs } = simulateOrder(
          { graph, costs },
          { priorityClass: new Uint8Array(size), urgency },
          workers,
        );
        bestOfAll = Math.min(bestOfAll, makespanMs);
      }
      const found = searchDispatchOrder({ graph, costs }, new Uint8Array(size), workers);
      expect(found.makespanMs).toBe(bestOfAll);
    }
  });
});

function* permutations(size: number): Generator<number[]> {
  const items = Array.from({ length: size }, (_, index) => index);
  // Heap's algorithm.
  const counters = new Array<number>(size).fill(0);
  yield [...items];
  for (let level = 0; level < size; ) {
    if (counters[level]! < level) {
      const swapWith = level % 2 === 0 ? 0 : counters[level]!;
      [items[swapWith], items[level]] = [items[level]!, items[swapWith]!];
      yield [...items];
      counters[level]!++;
      level = 0;
    } else {
      counters[level] = 0;
      level++;
    }
  }
}
