import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { ConcurrencyController } from '../adaptive/concurrency-controller.js';
import { LiveParallelism } from '../adaptive/live-parallelism.js';
import { readMachine } from '../adaptive/machine-readings.js';
import type { RegisteredAgent } from '../agents/agent-registry.js';
import { registerAgents } from '../agents/agent-registry.js';
import type { AgentSelection } from '../agents/select-agent.js';
import { selectAgent } from '../agents/select-agent.js';
import { validateCompressionSettings } from '../context/index.js';
import type { ValidationIssue } from '../errors.js';
import { CoordinatorClosedError, ValidationError } from '../errors.js';
import type { TaskExecutor } from '../execution/executor.js';
import { createLocalExecutor } from '../execution/isolation-router.js';
import { buildTaskGraph } from '../graph/task-graph.js';
import { validateTasks } from '../graph/validate-tasks.js';
import { AgentHistory } from '../monitoring/agent-history.js';
import type { CoordinatorEvents } from '../monitoring/events.js';
import { fingerprintTasks } from '../monitoring/fingerprint.js';
import { JournalResume } from '../monitoring/resume.js';
import type { AgentStatus, CoordinatorStatus, WorkflowStatus } from '../monitoring/status.js';
import { summarizeWorkflow } from '../monitoring/status.js';
import { criticalPathOrder } from '../scheduling/dispatch-order.js';
import { searchDispatchOrder } from '../scheduling/order-search.js';
import type { PlanOptions, WorkflowPlan } from '../scheduling/planner.js';
import { durationIssues, planWorkflow } from '../scheduling/planner.js';
import {
  type ConcurrencyLimits,
  CPU_TASK,
  createSlotPool,
  IO_TASK,
  type SlotPool,
  setSlotLimit,
} from '../scheduling/scheduler-core.js';
import type { FailurePolicy, Task, TaskRecord, TaskResult } from '../types.js';
import { TaskPriority } from '../types.js';
import type { CoordinatorOptions, ResolvedOptions } from './coordinator-options.js';
import { resolveOptions, retryDelay, taskCompression } from './coordinator-options.js';
import type { WorkflowRunSetup } from './workflow-run.js';
import { WorkflowRun } from './workflow-run.js';

/** Options of one `executeWorkflow` call. */
export interface WorkflowOptions {
  /** Aborting cancels queued tasks and interrupts running ones; every task still gets a result. */
  signal?: AbortSignal;
  /** Overrides the coordinator's failure policy for this workflow. */
  failurePolicy?: FailurePolicy;
  /**
   * Known milliseconds per task id. They rank tasks by critical path in place of the per-agent history
   * (and of one unit per task when there is none).
   */
  durations?: Record<string, number>;
  /**
   * Before running, search for the dispatch order with the shortest simulated makespan (as `planWorkflow`
   * does) and run in that order. Worth it when durations are known, from `durations` or history. Default false.
   */
  optimizeOrder?: boolean;
  /**
   * Path of a journal file (created if missing) where each finished task's result is recorded durably as
   * it finishes. Run the same workflow again with the same journal after a crash, and the tasks it
   * records as completed are not run again: their recorded results come back with `resumed: true`.
   * A task whose definition changed since, and everything downstream of it, runs again.
   */
  journal?: string;
}

/** Options of `dispatchAgent`. */
export type RunOptions = Pick<WorkflowOptions, 'signal'>;

/** Options of {@link AgentCoordinator.executeTasksParallel}: a signal and a journal, as for a workflow. */
export type ParallelRunOptions = Pick<WorkflowOptions, 'signal' | 'journal'>;

const INDEPENDENT_ONLY =
  'executeTasksParallel runs independent tasks only; use executeWorkflow for tasks with dependencies';

/**
 * Runs agent tasks on a pool of worker threads: independent lists, dependency graphs or single tasks,
 * with priorities, retries, timeouts, failure policies, live status, per-agent history and events.
 *
 * @example
 * ```ts
 * const coordinator = new AgentCoordinator({ agents: { testing: { module: './agents/testing.js' } } });
 * const results = await coordinator.executeWorkflow(tasks);
 * await coordinator.close();
 * ```
 */
export class AgentCoordinator extends EventEmitter<CoordinatorEvents> {
  readonly #options: ResolvedOptions;
  readonly #agents: Map<string, RegisteredAgent>;
  readonly #history = new AgentHistory();
  readonly #activeRuns = new Set<WorkflowRun>();
  /** With `maxParallelAgents: 'auto'`: the controller sampling the machine while workflows run. */
  readonly #autopilot: LiveParallelism | undefined;
  /** Every workflow of this coordinator draws from these slots, so together they never oversubscribe the pool. */
  readonly #slots: SlotPool;
  /** The options' value, or the executor's `threads` as they change when it follows them. */
  #maxParallelAgents: number;
  #stopFollowingThreads: (() => void) | undefined;
  #latestRun: WorkflowRun | undefined;
  #executor: TaskExecutor | undefined;
  #closed = false;

  /** @throws {ValidationError} when an option is invalid; every problem is listed. */
  constructor(options: CoordinatorOptions = {}) {
    super();
    this.#options = resolveOptions(options);
    this.#agents = registerAgents(this.#options.agents, this.#options.baseDir);
    this.#executor = this.#options.executor;
    this.#autopilot = this.#options.autoParallelism ? this.#createAutopilot() : undefined;
    this.#maxParallelAgents = this.#options.maxParallelAgents;
    this.#slots = createSlotPool(
      { cpu: this.#autopilot?.limit ?? this.#maxParallelAgents, io: this.#options.maxParallelIo },
      this.#options.prefetch,
    );
    if (this.#options.followExecutorThreads)
      this.#stopFollowingThreads = this.#executor?.watchThreads?.((threads) => {
        this.#maxParallelAgents = threads;
        this.#applyLimits({ cpu: threads, io: this.#options.ioLimitFor(threads) });
      });
  }

  /** CPU tasks run at once at most (with a queue executor, the capacity of its workers now). */
  get maxParallelAgents(): number {
    return this.#maxParallelAgents;
  }

  /**
   * Runs tasks that do not depend on each other, as many at once as the pool allows.
   *
   * @returns One result per task, in input order.
   * @throws {ValidationError} before anything runs if a task is invalid or has dependencies.
   */
  executeTasksParallel(tasks: readonly Task[], options: ParallelRunOptions = {}): Promise<TaskResult[]> {
    return this.#execute(tasks, { ...options, forbidDependencies: INDEPENDENT_ONLY });
  }

  /**
   * Runs a dependency graph of tasks: each starts as soon as its dependencies completed and a worker is
   * free, in order of priority, then longest remaining critical path, then input order.
   *
   * @returns One result per task, in input order, including skipped and cancelled ones.
   * @throws {ValidationError} before anything runs if the tasks are invalid (all problems listed).
   */
  executeWorkflow(tasks: readonly Task[], options: WorkflowOptions = {}): Promise<TaskResult[]> {
    return this.#execute(tasks, options);
  }

  /** Runs one task. @returns Its result. */
  async dispatchAgent(task: Task, options: RunOptions = {}): Promise<TaskResult> {
    const [result] = await this.#execute([task], { ...options, forbidDependencies: INDEPENDENT_ONLY });
    return result!;
  }

  /** Explains which agent automatic selection picks for a task, and why. */
  selectAgent(task: Pick<Task, 'agentType' | 'description'>): AgentSelection {
    return selectAgent(task, this.#agents, this.#options.defaultAgent);
  }

  /**
   * Checks a workflow as `executeWorkflow` does before it runs anything, and runs nothing.
   *
   * @returns Every problem found, as a `ValidationError` would list them; empty when the workflow can run.
   */
  validateWorkflow(tasks: readonly Task[], options: WorkflowOptions = {}): ValidationIssue[] {
    return this.#validationIssues(tasks, options);
  }

  /**
   * The pool right now: busy and idle CPU slots, queued and running tasks across all running workflows. A task
   * a queue executor holds until a worker takes it counts as queued, though it holds a slot.
   */
  getStatus(): CoordinatorStatus {
    let slotsUsed = 0;
    let busy = 0;
    let queued = 0;
    const runningTasks: string[] = [];
    for (const run of this.#activeRuns) {
      const counts = run.core.phaseCounts();
      const slots = run.core.running.cpu + run.core.running.io;
      slotsUsed += slots;
      busy += slots - run.awaitingWorker;
      queued += counts.ready + counts.retrying + run.awaitingWorker;
      runningTasks.push(...run.runningTaskIds());
    }
    const max = this.#maxParallelAgents;
    const limit = this.#autopilot?.limit ?? max;
    return {
      busyAgents: busy,
      idleAgents: Math.max(0, limit - slotsUsed),
      maxParallelAgents: max,
      parallelismLimit: limit,
      ...(this.#autopilot ? { controller: this.#autopilot.state } : {}),
      queuedTasks: queued,
      runningTasks,
    };
  }

  /** Progress of the workflow running now, or of the last one if none is running. */
  getWorkflowStatus(): WorkflowStatus {
    const run = this.#latestRun;
    return summarizeWorkflow(run?.core.phaseCounts(), run?.tokenTotals, run?.awaitingWorker);
  }

  /** What one agent type is doing now, and how many tasks it completed and failed so far. */
  getAgentStatus(agentType: string): AgentStatus {
    const currentTasks: string[] = [];
    for (const run of this.#activeRuns)
      currentTasks.push(...run.runningTaskIds().filter((id) => run.agentTypeOf(id) === agentType));
    const { completed, failed } = this.#history.counts(agentType);
    return {
      agentType,
      status: currentTasks.length > 0 ? 'BUSY' : 'IDLE',
      currentTasks,
      completedTasks: completed,
      failedTasks: failed,
    };
  }

  /**
   * Predicts the workflow's makespan, speedup and efficiency for each worker count, its critical path and
   * the worker count past which adding workers stops paying. Durations come from `options.durations`, else
   * this coordinator's recorded history of each task's agent type, else `options.defaultDurationMs` (1 s).
   *
   * @throws {ValidationError} listing every problem with the tasks or options.
   */
  planWorkflow(tasks: readonly Task[], options: PlanOptions): WorkflowPlan {
    return planWorkflow(tasks, options, (task) => {
      const { agentType } = this.selectAgent(task);
      return agentType === undefined ? undefined : this.#history.estimateMs(agentType);
    });
  }

  /** Every attempt the agent made on this coordinator, oldest first (the newest 10,000 are kept). */
  getAgentHistory(agentType: string): TaskRecord[] {
    return this.#history.records(agentType);
  }

  /** Cancels running workflows and stops every worker thread. Further calls throw `CoordinatorClosedError`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopFollowingThreads?.();
    const running = [...this.#activeRuns];
    for (const run of running) run.abort('the coordinator is closing');
    await Promise.all(running.map((run) => run.done));
    await this.#executor?.close();
  }

  #validationIssues(
    tasks: readonly Task[],
    options: WorkflowOptions & { forbidDependencies?: string },
  ): ValidationIssue[] {
    const issues: ValidationIssue[] = [
      ...workflowOptionIssues(options),
      ...validateTasks(tasks, {
        knownAgents: new Set(this.#agents.keys()),
        canSelectAgent: (description) => this.selectAgent({ description }).agentType !== undefined,
        forbidDependencies: options.forbidDependencies,
        extraChecks: (task) =>
          validateCompressionSettings(
            {
              enableCompression: task.enableCompression,
              compressionRatio: task.compressionRatio,
              maxContextTokens: task.maxContextTokens,
            },
            '',
          ),
      }),
    ];
    issues.push(...durationIssues(tasks, options.durations));
    return issues;
  }

  async #execute(
    tasks: readonly Task[],
    options: WorkflowOptions & { forbidDependencies?: string },
  ): Promise<TaskResult[]> {
    if (this.#closed) throw new CoordinatorClosedError();
    const issues = this.#validationIssues(tasks, options);
    if (issues.length > 0) throw new ValidationError(issues);

    const agentTypes = tasks.map((task) => this.selectAgent(task).agentType!);
    const resume =
      options.journal === undefined ? undefined : new JournalResume(options.journal, tasks, agentTypes);
    // Of the whole workflow, so that a run resumed from its journal finds the jobs it had queued.
    const workflowKey = this.#executor?.keyedByWorkflow
      ? (resume?.fingerprints ?? fingerprintTasks(tasks, agentTypes)).workflow
      : undefined;
    const run = this.#prepareRun(
      resume?.tasksToRun ?? tasks,
      options.failurePolicy ?? this.#options.failurePolicy,
      options,
      resume &&
        ((index, result) => {
          const failure = resume.record(index, result);
          // Deferred: the result is being settled inside the scheduler right now.
          if (failure !== undefined)
            queueMicrotask(() => run.abort(`the journal could not be written (${failure})`));
        }),
      workflowKey,
    );
    this.#activeRuns.add(run);
    this.#autopilot?.start();
    this.#latestRun = run;
    const startedAt = performance.now();
    try {
      const runResults = await run.start(options.signal);
      const results = resume ? resume.merge(runResults) : runResults;
      this.emit('workflowFinished', {
        workflowId: run.workflowId,
        results,
        durationMs: performance.now() - startedAt,
      });
      return results;
    } finally {
      resume?.close();
      this.#activeRuns.delete(run);
      if (this.#activeRuns.size === 0) this.#autopilot?.stop();
    }
  }

  #prepareRun(
    tasks: readonly Task[],
    failurePolicy: FailurePolicy,
    ordering: Pick<WorkflowOptions, 'durations' | 'optimizeOrder'>,
    onResult?: WorkflowRunSetup['onResult'],
    workflowKey?: string,
  ): WorkflowRun {
    const options = this.#options;
    const agents = tasks.map((task) => this.#agents.get(this.selectAgent(task).agentType!)!);
    const graph = buildTaskGraph(tasks);
    const knownCosts = agents.map(
      (agent, index) => ordering.durations?.[tasks[index]!.id] ?? this.#history.estimateMs(agent.type),
    );
    // Without history every task counts as one unit, so the critical path is the longest chain of tasks.
    const fallbackCost = average(knownCosts.filter((cost) => cost !== undefined)) ?? 1;
    const costs = knownCosts.map((cost) => cost ?? fallbackCost);
    const rankedOrder = criticalPathOrder(
      graph,
      tasks.map((task) => task.priority ?? TaskPriority.NORMAL),
      costs,
    );
    const kinds = agents.map((agent) => (agent.kind === 'io' ? IO_TASK : CPU_TASK));
    const [cpuLimit, ioLimit] = this.#slots.limit;
    const order = ordering.optimizeOrder
      ? searchDispatchOrder({ graph, costs, kinds, ioLimit }, rankedOrder.priorityClass, cpuLimit).order
      : rankedOrder;
    const run: WorkflowRun = new WorkflowRun({
      workflowId: randomUUID(),
      workflowKey,
      tasks,
      agents,
      timeoutsMs: tasks.map((task) => task.timeoutMs ?? options.defaultTimeoutMs),
      compression: tasks.map((task) => taskCompression(task, options.compression)),
      schedule: {
        graph,
        order,
        kinds,
        maxAttempts: tasks.map((task) => (task.retries ?? options.defaultRetries) + 1),
        limits: { cpu: cpuLimit, io: ioLimit },
        slots: this.#slots,
        failurePolicy,
        retryDelayMs: (attempt) => retryDelay(options.retryDelayMs, attempt),
      },
      executor: this.#executorForUse(),
      history: this.#history,
      emit: this.emit.bind(this),
      onResult,
      onSlotsFreed: () => {
        for (const other of this.#activeRuns) if (other !== run) other.resume();
      },
    });
    return run;
  }

  /**
   * The live side of 'auto': one controller for the coordinator, fed the completions of CPU tasks, applying
   * its limit to every running workflow and announcing each change.
   */
  #createAutopilot(): LiveParallelism {
    const threads = this.#options.maxParallelAgents;
    const autopilot = new LiveParallelism({
      controller: new ConcurrencyController({
        cores: availableParallelism(),
        maxLimit: threads,
        // Start from the cores other processes leave free now. Not the load average: it still counts this
        // process's own recent work, and the controller backs off within two intervals if it must.
        initialLimit: availableParallelism() - (readMachine({ sampleCpu: true }).foreignBusyCores ?? 0),
      }),
      intervalMs: this.#options.controlIntervalMs,
      applyLimit: (limit) => this.#applyLimits({ cpu: limit }),
      tasksWaiting: () =>
        [...this.#activeRuns].some(
          ({ core }) => core.phaseCounts().ready > 0 && core.running.cpu >= core.limits.cpu,
        ),
      onDecision: (decision) => {
        if (decision.limit !== decision.previousLimit) this.emit('parallelismChanged', decision);
      },
    });
    this.on('taskFinished', ({ result }) => {
      const agent = result.agentType === undefined ? undefined : this.#agents.get(result.agentType);
      if (result.status === 'completed' && agent !== undefined && agent.kind !== 'io')
        autopilot.recordCompletion(agent.type, result.durationMs);
    });
    return autopilot;
  }

  /**
   * Changes limits of the slots every workflow shares (the 'auto' controller, or a queue's capacity), and
   * starts at once what a higher limit lets start.
   */
  #applyLimits(limits: Partial<ConcurrencyLimits>): void {
    for (const kind of ['cpu', 'io'] as const) {
      const limit = limits[kind];
      if (limit !== undefined) setSlotLimit(this.#slots, kind, limit);
    }
    // The executor holds back what was handed ahead, so the scheduler's limit holds on the threads too.
    if (limits.cpu !== undefined) this.#executor?.limitCpu?.(limits.cpu);
    for (const run of this.#activeRuns) run.resume();
  }

  /** Workers start on first use, so a coordinator that only plans or validates costs nothing. */
  #executorForUse(): TaskExecutor {
    if (this.#executor === undefined) {
      this.#executor = createLocalExecutor(this.#options);
      this.#executor.limitCpu?.(this.#slots.limit[CPU_TASK]);
    }
    return this.#executor;
  }
}

/** Problems with the options of one run; a bad signal would otherwise fail deep inside the run. */
function workflowOptionIssues(options: WorkflowOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { failurePolicy, signal } = options;
  if (failurePolicy !== undefined && failurePolicy !== 'continue' && failurePolicy !== 'fail-fast') {
    issues.push({
      field: 'failurePolicy',
      message: `expected 'continue' or 'fail-fast', got ${String(failurePolicy)}`,
    });
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    issues.push({ field: 'signal', message: 'expected an AbortSignal' });
  }
  if (options.journal !== undefined && !(typeof options.journal === 'string' && options.journal !== '')) {
    issues.push({ field: 'journal', message: 'expected the path of a journal file' });
  }
  return issues;
}

function average(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}
