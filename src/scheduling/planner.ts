import type { ValidationIssue } from '../errors.js';
import { ValidationError } from '../errors.js';
import { criticalPathLength } from '../graph/ranks.js';
import { buildTaskGraph } from '../graph/task-graph.js';
import { validateTasks } from '../graph/validate-tasks.js';
import type { Task } from '../types.js';
import { TaskPriority } from '../types.js';
import { criticalPathOrder } from './dispatch-order.js';
import { searchDispatchOrder } from './order-search.js';

/** What the planner reads of a task. */
export type PlannedTask = Pick<Task, 'id' | 'dependencies' | 'priority' | 'agentType' | 'description'>;

/** Options of {@link planWorkflow}. */
export interface PlanOptions {
  /** Worker counts to plan for; a number `n` means 1, 2, … n. */
  workers: number | readonly number[];
  /** Milliseconds per task id. Tasks not listed take the recorded or default duration. */
  durations?: Readonly<Record<string, number>>;
  /** Duration of tasks with no other estimate. Default {@link DEFAULT_TASK_DURATION_MS}. */
  defaultDurationMs?: number;
  /**
   * Simulations spent searching for the best order, per worker count. Default: 400 up to 100 tasks, fewer
   * beyond so that a search simulates about 40,000 task starts.
   */
  searchEvaluations?: number;
}

/** The prediction for one worker count. */
export interface WorkerPlan {
  workers: number;
  /** Predicted time from the first start to the last finish. */
  makespanMs: number;
  /** Sequential time (the sum of all durations) over the makespan. */
  speedup: number;
  /** Speedup over workers: the share of worker time spent on tasks. */
  efficiency: number;
  /** Task ids in the order the best schedule found starts them. */
  startOrder: string[];
}

/** What {@link planWorkflow} predicts. */
export interface WorkflowPlan {
  /** One per requested worker count, fewest workers first. */
  plans: WorkerPlan[];
  /** The longest dependency chain: no number of workers finishes sooner. */
  criticalPathMs: number;
  /** The sum of all durations: the makespan on one worker. */
  sequentialMs: number;
  /**
   * The knee: the fewest workers from which no larger planned count shortens the makespan by more than
   * {@link KNEE_GAIN_PER_WORKER} per added worker.
   */
  recommendedWorkers: number;
}

/** Duration assumed for a task with neither a given nor a recorded duration: one second. */
export const DEFAULT_TASK_DURATION_MS = 1000;
/** A worker is worth adding only if it shortens the makespan by more than 5% (per added worker). */
export const KNEE_GAIN_PER_WORKER = 0.05;

/**
 * Predicts how a workflow's makespan falls as workers are added, by running the scheduler's own policy
 * ({@link SchedulerCore} in virtual time, the same code as a real run) with the best dispatch order a short
 * search finds for each worker count. Durations come from `options.durations`, else `estimateMs` (the
 * coordinator passes its recorded per-agent history), else `defaultDurationMs`. All tasks are counted as
 * CPU tasks sharing the workers.
 *
 * @throws {ValidationError} listing every problem with the tasks or options.
 */
export function planWorkflow(
  tasks: readonly PlannedTask[],
  options: PlanOptions,
  estimateMs: (task: PlannedTask) => number | undefined = () => undefined,
): WorkflowPlan {
  const workerCounts = checkPlanInput(tasks, options);
  const graph = buildTaskGraph(tasks);
  const fallbackMs = options.defaultDurationMs ?? DEFAULT_TASK_DURATION_MS;
  const costs = tasks.map((task) => options.durations?.[task.id] ?? estimateMs(task) ?? fallbackMs);
  const { priorityClass } = criticalPathOrder(
    graph,
    tasks.map((task) => task.priority ?? TaskPriority.NORMAL),
    costs,
  );
  const sequentialMs = costs.reduce((sum, cost) => sum + cost, 0);
  const plans = workerCounts.map((workers) => {
    const best = searchDispatchOrder({ graph, costs }, priorityClass, workers, {
      ...(options.searchEvaluations === undefined ? {} : { evaluations: options.searchEvaluations }),
    });
    // A workflow with no work gains nothing from workers.
    const speedup = best.makespanMs > 0 ? sequentialMs / best.makespanMs : 1;
    return {
      workers,
      makespanMs: best.makespanMs,
      speedup,
      efficiency: speedup / workers,
      startOrder: best.startOrder.map((index) => graph.ids[index]!),
    };
  });
  return {
    plans,
    criticalPathMs: criticalPathLength(graph, costs),
    sequentialMs,
    recommendedWorkers: kneeOf(plans),
  };
}

/** The fewest workers that no larger count beats by more than {@link KNEE_GAIN_PER_WORKER} per added worker. */
function kneeOf(plans: readonly WorkerPlan[]): number {
  const knee = plans.find((plan) =>
    plans.every(
      (larger) =>
        larger.workers <= plan.workers ||
        plan.makespanMs <= larger.makespanMs * (1 + KNEE_GAIN_PER_WORKER * (larger.workers - plan.workers)),
    ),
  );
  return (knee ?? plans[plans.length - 1]!).workers;
}

/** Validates tasks and options together; returns the worker counts to plan, ascending and distinct. */
function checkPlanInput(tasks: readonly PlannedTask[], options: PlanOptions): number[] {
  // The planner runs nothing, so any agent type is acceptable; only the graph must be sound.
  const agentTypes = new Set(Array.isArray(tasks) ? tasks.map((task) => task?.agentType) : []);
  const issues: ValidationIssue[] = validateTasks(tasks, {
    knownAgents: new Set([...agentTypes].filter((type): type is string => typeof type === 'string')),
    canSelectAgent: () => true,
  });
  const report = (field: string, message: string) => issues.push({ field, message });
  const counts = typeof options.workers === 'number' ? rangeTo(options.workers) : options.workers;
  if (!Array.isArray(counts) || counts.length === 0)
    report('workers', 'expected a worker count or a non-empty list of them');
  else if (!counts.every((count) => Number.isInteger(count) && count >= 1))
    report('workers', `expected whole numbers of at least 1, got ${String(options.workers)}`);
  issues.push(...durationIssues(tasks, options.durations));
  const { defaultDurationMs, searchEvaluations } = options;
  if (defaultDurationMs !== undefined && !(Number.isFinite(defaultDurationMs) && defaultDurationMs >= 0))
    report('defaultDurationMs', `expected a duration of at least 0 ms, got ${String(defaultDurationMs)}`);
  if (searchEvaluations !== undefined && !(Number.isInteger(searchEvaluations) && searchEvaluations >= 1))
    report('searchEvaluations', `expected a whole number of at least 1, got ${String(searchEvaluations)}`);
  if (issues.length > 0) throw new ValidationError(issues, 'plan');
  return [...new Set(counts as number[])].sort((a, b) => a - b);
}

/** Problems with a map of task durations: unknown ids, and values that are not durations. */
export function durationIssues(
  tasks: readonly Pick<Task, 'id'>[],
  durations: Readonly<Record<string, number>> | undefined,
): ValidationIssue[] {
  if (durations === undefined) return [];
  if (typeof durations !== 'object' || durations === null)
    return [{ field: 'durations', message: 'expected an object of milliseconds by task id' }];
  const ids = new Set(Array.isArray(tasks) ? tasks.map((task) => task?.id) : []);
  const issues: ValidationIssue[] = [];
  for (const [id, ms] of Object.entries(durations)) {
    if (!ids.has(id)) issues.push({ field: `durations.${id}`, message: 'no task has this id' });
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0))
      issues.push({ field: `durations.${id}`, message: `expected at least 0 ms, got ${String(ms)}` });
  }
  return issues;
}

function rangeTo(count: number): number[] | undefined {
  return Number.isInteger(count) && count >= 1 ? Array.from({ length: count }, (_, i) => i + 1) : undefined;
}
