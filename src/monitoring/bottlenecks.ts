import type { WorkflowStatus } from './status.js';

/**
 * What holds a workflow back right now: `workers` (tasks could run but every slot is busy, so more workers
 * would help), `dependencies` (slots are free but the remaining tasks wait on running ones, so the critical
 * path sets the pace), or `none` (nothing is waiting).
 */
export type Bottleneck = 'workers' | 'dependencies' | 'none';

/** A reading of {@link WorkflowStatus} in terms of what limits progress. */
export interface BottleneckSummary {
  bottleneck: Bottleneck;
  waitingOnWorkers: number;
  waitingOnDependencies: number;
  running: number;
  /** One sentence a person can act on. */
  advice: string;
}

/**
 * Says what a workflow waits on, from `coordinator.getWorkflowStatus()` (the guide's bottleneck analysis).
 * Tasks waiting for a slot come first: they could start now, whereas tasks waiting on dependencies cannot
 * until the tasks they wait on finish.
 */
export function summarizeBottlenecks(status: WorkflowStatus): BottleneckSummary {
  const { waitingOnWorkers, waitingOnDependencies, inProgress: running } = status;
  const counts = { waitingOnWorkers, waitingOnDependencies, running };
  if (waitingOnWorkers > 0) {
    return {
      bottleneck: 'workers',
      ...counts,
      advice: `${waitingOnWorkers} task(s) are ready but every worker is busy: more workers would help, if the machine has the cores`,
    };
  }
  if (waitingOnDependencies > 0) {
    return {
      bottleneck: 'dependencies',
      ...counts,
      advice: `${waitingOnDependencies} task(s) wait on the ${running} running: the dependency chain sets the pace, so more workers would not help`,
    };
  }
  return { bottleneck: 'none', ...counts, advice: 'no task is waiting' };
}
