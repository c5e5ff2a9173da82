import type { ControllerState } from '../adaptive/concurrency-controller.js';
import type { TaskPhase } from '../scheduling/scheduler-core.js';

/** The pool right now (the guide's `get_status()`). */
export interface CoordinatorStatus {
  /** Tasks running on a worker now (with a queue executor, not those still waiting in the queue). */
  busyAgents: number;
  /** CPU slots free now: holding no task, running or handed to a queue. */
  idleAgents: number;
  maxParallelAgents: number;
  /** CPU tasks allowed at once now: `maxParallelAgents`, or the 'auto' controller's current limit. */
  parallelismLimit: number;
  /** With `maxParallelAgents: 'auto'`: the controller's limit, intervals seen and last change. */
  controller?: ControllerState;
  /** Tasks ready to run and waiting for a slot, in a queue for a worker, or waiting to retry. */
  queuedTasks: number;
  /** Ids of the tasks running on a worker now. */
  runningTasks: string[];
}

/** Progress of one workflow (the guide's `get_workflow_status()`). */
export interface WorkflowStatus {
  totalTasks: number;
  completed: number;
  /** Running on a worker. */
  inProgress: number;
  /** Not started yet: waiting on dependencies, on a free worker, or on a retry delay. */
  pending: number;
  /** Failed or timed out. */
  failed: number;
  skipped: number;
  cancelled: number;
  /** Of `pending`: tasks whose dependencies have not all completed. */
  waitingOnDependencies: number;
  /**
   * Of `pending`: tasks that could run but every slot is busy, or that wait in a queue executor's queue for a
   * worker, or to retry.
   */
  waitingOnWorkers: number;
  /** Context tokens of the completed tasks before compression, after it, and saved. */
  tokens: { original: number; kept: number; saved: number };
}

/** One agent type's activity (the guide's `get_agent_status()`). */
export interface AgentStatus {
  agentType: string;
  status: 'IDLE' | 'BUSY';
  currentTasks: string[];
  completedTasks: number;
  failedTasks: number;
}

/**
 * Folds the scheduler's phase counts into a workflow status; all zero when there is no workflow.
 *
 * @param awaitingWorker - Of the tasks the scheduler counts as running, those a queue executor still holds
 *   for a worker: they are pending, not in progress.
 */
export function summarizeWorkflow(
  counts: Record<TaskPhase, number> | undefined,
  tokens: { original: number; kept: number } = { original: 0, kept: 0 },
  awaitingWorker = 0,
): WorkflowStatus {
  const count = (phase: TaskPhase) => counts?.[phase] ?? 0;
  const waitingOnWorkers = count('ready') + count('retrying') + awaitingWorker;
  return {
    totalTasks: counts ? Object.values(counts).reduce((sum, n) => sum + n, 0) : 0,
    completed: count('completed'),
    inProgress: count('running') - awaitingWorker,
    pending: count('blocked') + waitingOnWorkers,
    failed: count('failed') + count('timed_out'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
    waitingOnDependencies: count('blocked'),
    waitingOnWorkers,
    tokens: { ...tokens, saved: tokens.original - tokens.kept },
  };
}
