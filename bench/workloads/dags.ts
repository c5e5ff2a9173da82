import { criticalPathLength } from '../../src/graph/ranks.js';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { criticalPathOrder } from '../../src/scheduling/dispatch-order.js';
import { SchedulerCore } from '../../src/scheduling/scheduler-core.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';
import { simulate } from '../../src/scheduling/simulate.js';
import type { TaskPriority } from '../../src/types.js';
import { TaskPriority as Priority } from '../../src/types.js';
import { makespanLowerBound } from '../harness/stats.js';

/** A workflow task with a known cost: the bench makes its agent burn exactly that much CPU. */
export interface CostedTask {
  id: string;
  agentType: string;
  dependencies: string[];
  priority?: TaskPriority;
  costMs: number;
}

/**
 * The guide's "Workflow with Mixed Parallel/Sequential" example: three setup tasks, the auth service
 * after two of them, two services after auth, and a test after each service, with the guide's agent types
 * and priorities. The guide gives no durations; here setup and tests cost one unit, implementations two.
 */
export function guideWorkflow(unitMs = 50): CostedTask[] {
  const step = (
    id: string,
    agentType: string,
    units: number,
    dependencies: string[],
    priority?: TaskPriority,
  ): CostedTask => ({
    id,
    agentType,
    dependencies,
    costMs: units * unitMs,
    ...(priority ? { priority } : {}),
  });
  return [
    step('setup-1', 'implementation', 1, [], Priority.HIGH),
    step('setup-2', 'implementation', 1, [], Priority.HIGH),
    step('setup-3', 'implementation', 1, [], Priority.HIGH),
    step('impl-1', 'implementation', 2, ['setup-1', 'setup-2'], Priority.CRITICAL),
    step('impl-2', 'implementation', 2, ['impl-1'], Priority.HIGH),
    step('impl-3', 'implementation', 2, ['impl-1'], Priority.HIGH),
    step('test-1', 'testing', 1, ['impl-1']),
    step('test-2', 'testing', 1, ['impl-2']),
    step('test-3', 'testing', 1, ['impl-3']),
  ];
}

/** Shape of a {@link layeredDag}. */
export interface LayeredDagOptions {
  seed: number;
  layers: number;
  /** Tasks per layer. */
  width: number;
  /** Task costs are drawn uniformly from this range, in whole milliseconds. */
  minMs: number;
  maxMs: number;
  /** Each task after the first layer waits on 1 to this many tasks of the layer before. */
  maxDependencies: number;
}

/**
 * A layered random DAG, the same for the same options: `layers` layers of `width` tasks; each task waits
 * on a few random tasks of the previous layer and costs a random whole number of milliseconds.
 */
export function layeredDag(options: LayeredDagOptions): CostedTask[] {
  const random = seededRandom(options.seed);
  const pick = (count: number) => Math.floor(random() * count);
  const tasks: CostedTask[] = [];
  for (let layer = 0; layer < options.layers; layer++) {
    for (let slot = 0; slot < options.width; slot++) {
      const dependencies = new Set<string>();
      if (layer > 0) {
        const wanted = 1 + pick(Math.min(options.maxDependencies, options.width));
        while (dependencies.size < wanted) dependencies.add(`L${layer - 1}-${pick(options.width)}`);
      }
      tasks.push({
        id: `L${layer}-${slot}`,
        agentType: 'burn',
        dependencies: [...dependencies].sort(),
        costMs: options.minMs + pick(options.maxMs - options.minMs + 1),
      });
    }
  }
  return tasks;
}

/** What a workflow's known costs say about its makespan on some number of workers. */
export interface WorkflowBounds {
  totalWorkMs: number;
  criticalPathMs: number;
  /** `max(totalWork / workers, criticalPath)`: no schedule can be faster. */
  lowerBoundMs: number;
  /**
   * lingflow's own scheduler (priority class, then longest remaining path) run in virtual time with the true
   * costs and no overhead: what the policy achieves before any thread or message costs anything.
   */
  simulatedMs: number;
}

/** Bounds of a costed workflow on `workers` workers. */
export function workflowBounds(tasks: readonly CostedTask[], workers: number): WorkflowBounds {
  const graph = buildTaskGraph(tasks);
  const costs = tasks.map((task) => task.costMs);
  const totalWorkMs = costs.reduce((sum, cost) => sum + cost, 0);
  const criticalPathMs = criticalPathLength(graph, costs);
  const core = new SchedulerCore({
    graph,
    order: criticalPathOrder(
      graph,
      tasks.map((task) => task.priority ?? Priority.NORMAL),
      costs,
    ),
    maxAttempts: tasks.map(() => 1),
    limits: { cpu: workers, io: workers },
    failurePolicy: 'continue',
    retryDelayMs: () => 0,
  });
  const { makespanMs } = simulate(core, { attempt: (index) => ({ durationMs: costs[index]! }) });
  return {
    totalWorkMs,
    criticalPathMs,
    lowerBoundMs: makespanLowerBound(totalWorkMs, workers, criticalPathMs),
    simulatedMs: makespanMs,
  };
}
