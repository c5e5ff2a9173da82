import type { TaskGraph } from '../graph/task-graph.js';
import type { DispatchOrder } from './dispatch-order.js';
import { SchedulerCore } from './scheduler-core.js';
import type { SimulationResult } from './simulate.js';
import { simulate } from './simulate.js';

/** A workflow reduced to what predicting its makespan needs. */
export interface CostedGraph {
  graph: TaskGraph;
  /** Milliseconds each task takes. */
  costs: ArrayLike<number>;
  /** {@link CPU_TASK} or {@link IO_TASK} per task; all CPU when omitted. */
  kinds?: ArrayLike<number>;
  /** I/O tasks that may run at once; CPU tasks get the worker count. Default: unlimited. */
  ioLimit?: number;
}

/**
 * Runs the scheduler's own policy ({@link SchedulerCore} under {@link simulate}) in virtual time on
 * `workers` workers with the given order, every task succeeding at its first attempt.
 */
export function simulateOrder(
  { graph, costs, kinds, ioLimit = graph.size }: CostedGraph,
  order: DispatchOrder,
  workers: number,
): SimulationResult {
  const core = new SchedulerCore({
    graph,
    order,
    ...(kinds ? { kinds } : {}),
    maxAttempts: new Uint8Array(graph.size).fill(1),
    limits: { cpu: workers, io: Math.max(1, ioLimit) },
    failurePolicy: 'continue',
    retryDelayMs: () => 0,
  });
  return simulate(core, { attempt: (index) => ({ durationMs: costs[index]! }) });
}
