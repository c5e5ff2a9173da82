import { describe, expect, it } from 'vitest';
import { guideWorkflow, layeredDag, workflowBounds } from '../../bench/workloads/dags.js';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';

const options = { seed: 7, layers: 5, width: 6, minMs: 20, maxMs: 100, maxDependencies: 3 };

describe('bench workflows', () => {
  it('reproduces the guide’s 9-task workflow and its bounds on two workers', () => {
    const tasks = guideWorkflow(50);
    expect(tasks.map((task) => task.id)).toEqual([
      'setup-1',
      'setup-2',
      'setup-3',
      'impl-1',
      'impl-2',
      'impl-3',
      'test-1',
      'test-2',
      'test-3',
    ]);
    expect(tasks.find((task) => task.id === 'impl-1')).toMatchObject({
      dependencies: ['setup-1', 'setup-2'],
      priority: 'critical',
    });
    const bounds = workflowBounds(tasks, 2);
    expect(bounds.totalWorkMs).toBe(600);
    // setup → impl-1 → impl-2 → test-2: 50 + 100 + 100 + 50.
    expect(bounds.criticalPathMs).toBe(300);
    expect(bounds.lowerBoundMs).toBe(300);
    expect(bounds.simulatedMs).toBeGreaterThanOrEqual(bounds.lowerBoundMs);
    expect(workflowBounds(tasks, 1).simulatedMs).toBe(600);
  });

  it('builds the same layered DAG from the same seed, each task waiting on the layer before', () => {
    const tasks = layeredDag(options);
    expect(layeredDag(options)).toEqual(tasks);
    expect(layeredDag({ ...options, seed: 8 })).not.toEqual(tasks);
    expect(tasks).toHaveLength(30);
    const graph = buildTaskGraph(tasks);
    expect(graph.topologicalOrder).toHaveLength(30);
    for (const task of tasks) {
      const layer = Number(task.id.slice(1, task.id.indexOf('-')));
      expect(task.costMs).toBeGreaterThanOrEqual(20);
      expect(task.costMs).toBeLessThanOrEqual(100);
      expect(Number.isInteger(task.costMs)).toBe(true);
      if (layer === 0) expect(task.dependencies).toEqual([]);
      else {
        expect(task.dependencies.length).toBeGreaterThanOrEqual(1);
        expect(task.dependencies.length).toBeLessThanOrEqual(3);
        for (const dependency of task.dependencies)
          expect(dependency.startsWith(`L${layer - 1}-`)).toBe(true);
      }
    }
  });

  it('never lets the simulated policy beat the lower bound', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const tasks = layeredDag({ ...options, seed });
      for (const workers of [1, 2, 3, 8]) {
        const bounds = workflowBounds(tasks, workers);
        expect(bounds.simulatedMs).toBeGreaterThanOrEqual(bounds.lowerBoundMs - 1e-9);
        expect(bounds.simulatedMs).toBeLessThanOrEqual(bounds.totalWorkMs + 1e-9);
      }
    }
  });

  it('draws seeded numbers in [0, 1)', () => {
    const random = seededRandom(123);
    const draws = Array.from({ length: 1000 }, random);
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
    expect(seededRandom(123)()).toBe(draws[0]);
  });
});
