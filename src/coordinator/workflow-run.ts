import { type EventEmitter, setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { CompressionSettings, ContextReport } from '../context/index.js';
import { TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type {
  BatchHooks,
  Invocation,
  InvocationHooks,
  InvocationOutcome,
  TaskExecutor,
} from '../execution/executor.js';
import type { AgentBinding, AgentLogEntry, ProgressUpdate } from '../execution/protocol.js';
import type { AgentHistory } from '../monitoring/agent-history.js';
import type { CoordinatorEvents } from '../monitoring/events.js';
import type {
  AttemptFailure,
  BatchingRule,
  Dispatch,
  SchedulerCore,
  SchedulerCoreOptions,
} from '../scheduling/scheduler-core.js';
import { SchedulerCore as Core } from '../scheduling/scheduler-core.js';
import type { Task, TaskResult, TaskStatus } from '../types.js';

/** Emits coordinator events; the run does not know who listens. */
export type EmitEvent = EventEmitter<CoordinatorEvents>['emit'];

/** Everything a live run needs, prepared by the coordinator. */
export interface WorkflowRunSetup {
  workflowId: string;
  /** See {@link Invocation.workflowKey}. */
  workflowKey?: string;
  tasks: readonly Task[];
  agents: readonly AgentBinding[];
  timeoutsMs: readonly (number | undefined)[];
  /** How each task's context is prepared in the worker; contexts travel untouched when omitted. */
  compression?: readonly CompressionSettings[];
  schedule: Omit<SchedulerCoreOptions, 'observer'>;
  executor: TaskExecutor;
  history: AgentHistory;
  emit: EmitEvent;
  /** Called after attempts of this run ended and freed slots, which other workflows may be waiting for. */
  onSlotsFreed?: () => void;
  /** Receives each final result before anyone else hears of it; the journal records it here. */
  onResult?: (index: number, result: TaskResult) => void;
}

/** Below this many milliseconds per attempt, messaging costs more than the work: batch such tasks. */
const SMALL_TASK_MS = 1;
/** Large enough to amortise a message, small enough that a batch still spreads across slots. */
const MAX_BATCH_SIZE = 64;

/** What is known of a task's latest attempt while the run goes on. */
interface AttemptState {
  startedAt?: number;
  startedPerf?: number;
  durationMs: number;
  output?: unknown;
  outputFiles: string[];
  context?: ContextReport;
  /** Attempts cancelled before any worker took them: they ran nothing, so they are not counted. */
  unstarted?: number;
}

/** Context tokens of a workflow's completed tasks, before and after compression. */
export interface TokenTotals {
  original: number;
  kept: number;
}

/**
 * Drives one workflow in real time: hands the scheduler core's dispatches to the executor, feeds outcomes
 * back, wakes retries with timers, interrupts running attempts when the core halts, and assembles one
 * result per task.
 */
export class WorkflowRun {
  readonly workflowId: string;
  readonly core: SchedulerCore;
  readonly #setup: WorkflowRunSetup;
  readonly #attempts: AttemptState[];
  readonly #results: (TaskResult | undefined)[];
  readonly #startedPerf = performance.now();
  readonly #tokens: TokenTotals = { original: 0, kept: 0 };
  /**
   * Dispatched tasks a queueing executor holds until a worker takes them ({@link TaskExecutor.reportsStart}):
   * they hold a slot, but are not running yet.
   */
  readonly #awaitingWorker = new Set<number>();
  /**
   * Interrupts every running attempt when the run halts (fail-fast, abort, close). Nothing starts after a
   * halt, so one signal serves every attempt, and none needs a controller of its own.
   */
  readonly #halt = new AbortController();
  #wakeTimer: NodeJS.Timeout | undefined;
  #finish!: (results: TaskResult[]) => void;
  readonly #done = new Promise<TaskResult[]>((resolve) => {
    this.#finish = resolve;
  });

  constructor(setup: WorkflowRunSetup) {
    this.#setup = setup;
    this.workflowId = setup.workflowId;
    // Every running attempt listens, and a pool may run hundreds of I/O attempts at once.
    setMaxListeners(Number.POSITIVE_INFINITY, this.#halt.signal);
    this.#attempts = setup.tasks.map(() => ({ durationMs: 0, outputFiles: [] }));
    this.#results = new Array(setup.tasks.length);
    this.core = new Core({
      ...setup.schedule,
      batching: this.#batchingRule(),
      observer: {
        taskStarted: (index, attempt, _now, queued) => this.#onDispatched(index, attempt, queued),
        taskRetrying: (index, nextAttempt, retryAt, error) =>
          setup.emit('taskRetried', {
            workflowId: this.workflowId,
            taskId: setup.tasks[index]!.id,
            nextAttempt,
            delayMs: retryAt - this.#now(),
            error,
          }),
        taskSettled: (index, status, _now, error) => this.#onSettled(index, status, error),
        halted: (reason) => this.#halt.abort(reason),
      },
    });
  }

  /** Ids of the tasks running on a worker now. */
  runningTaskIds(): string[] {
    return this.core
      .runningTasks()
      .filter((index) => !this.#awaitingWorker.has(index))
      .map((index) => this.#setup.tasks[index]!.id);
  }

  /** Tasks handed to a queueing executor that no worker has taken yet. */
  get awaitingWorker(): number {
    return this.#awaitingWorker.size;
  }

  /** The agent type a task of this run was given. */
  agentTypeOf(taskId: string): string | undefined {
    const index = this.core.graph.indexOf.get(taskId);
    return index === undefined ? undefined : this.#setup.agents[index]!.type;
  }

  /**
   * Tasks whose agent's recorded attempts take under {@link SMALL_TASK_MS} may share a slot, when the
   * executor can batch. Tasks with a timeout never do: a batch is interrupted only as a whole.
   */
  #batchingRule(): BatchingRule | undefined {
    const { executor, agents, timeoutsMs, history } = this.#setup;
    // A batch has no start hook: executors that report starts run attempts one by one.
    if (!executor.executeBatch || executor.reportsStart) return undefined;
    return {
      maxSize: MAX_BATCH_SIZE,
      eligible: (index) =>
        timeoutsMs[index] === undefined &&
        agents[index]!.kind === 'cpu' &&
        (history.estimateMs(agents[index]!.type) ?? Number.POSITIVE_INFINITY) < SMALL_TASK_MS,
    };
  }

  /** Settles with the results once every task has one. */
  get done(): Promise<TaskResult[]> {
    return this.#done;
  }

  /** Runs the workflow to the end; resolves with one result per task, in input order. Never rejects. */
  start(signal?: AbortSignal): Promise<TaskResult[]> {
    const onAbort = () => this.abort(describeAbort(signal?.reason));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    void this.#done.finally(() => signal?.removeEventListener('abort', onAbort));
    this.#pump();
    return this.#done;
  }

  /** Cancels every task not yet finished; running attempts are interrupted. */
  abort(reason: string): void {
    this.core.halt(reason, this.#now());
    this.#pump();
  }

  /** Starts whatever can start now: slots shared with other workflows may have freed up. */
  resume(): void {
    if (!this.core.finished) this.#pump();
  }

  #now(): number {
    return performance.now() - this.#startedPerf;
  }

  #pump(): void {
    const started = this.core.dispatch(this.#now());
    for (let first = 0; first < started.length; ) {
      let end = first + 1;
      while (end < started.length && started[end]!.batch === started[first]!.batch) end++;
      if (end - first === 1) this.#launch(started[first]!);
      else this.#launchBatch(started.slice(first, end));
      first = end;
    }
    if (this.core.finished) {
      clearTimeout(this.#wakeTimer);
      this.#finish(this.#results as TaskResult[]);
      return;
    }
    const wakeAt = this.core.nextWakeAt();
    clearTimeout(this.#wakeTimer);
    if (wakeAt !== undefined)
      this.#wakeTimer = setTimeout(() => this.#pump(), Math.max(0, wakeAt - this.#now()));
  }

  #onDispatched(index: number, attempt: number, queued: boolean): void {
    const state = this.#attempts[index]!;
    // No start time of an earlier attempt may stand for this one, which may never leave the queue.
    state.startedAt = undefined;
    state.startedPerf = undefined;
    if (queued || this.#setup.executor.reportsStart) this.#awaitingWorker.add(index);
    else this.#onStarted(index, attempt);
  }

  /**
   * The attempt runs on a worker: from dispatch, or from `hooks.onStarted` for attempts queued ahead and
   * for executors that queue every attempt.
   */
  #onStarted(index: number, attempt: number): void {
    const task = this.#setup.tasks[index]!;
    const state = this.#attempts[index]!;
    state.startedAt = Date.now();
    state.startedPerf = performance.now();
    this.#setup.emit('taskStarted', {
      workflowId: this.workflowId,
      taskId: task.id,
      agentType: this.#setup.agents[index]!.type,
      attempt,
      startedAt: state.startedAt,
    });
  }

  /** Attempts ended, so slots are free: fill them here first, then let workflows sharing them know. */
  #afterAttempts(): void {
    this.#pump();
    this.#setup.onSlotsFreed?.();
  }

  /** Context tokens of the tasks completed so far, before and after compression. */
  get tokenTotals(): TokenTotals {
    return { ...this.#tokens };
  }

  #invocationOf({ index, attempt, queued }: Dispatch): Invocation {
    const task = this.#setup.tasks[index]!;
    const agent = this.#setup.agents[index]!;
    // One literal of a fixed shape: built for every attempt, so it avoids spreads.
    return {
      task: {
        id: task.id,
        description: task.description ?? '',
        agentType: agent.type,
        context: task.context ?? {},
        attempt,
      },
      agent,
      compression: this.#setup.compression?.[index],
      timeoutMs: this.#setup.timeoutsMs[index],
      workflowKey: this.#setup.workflowKey,
      priorityRank: this.#setup.schedule.order.priorityClass[index],
      queued,
    };
  }

  #launch(dispatch: Dispatch): void {
    const { index, attempt } = dispatch;
    const taskId = this.#setup.tasks[index]!.id;
    const hooks: InvocationHooks = {
      signal: this.#halt.signal,
      onProgress: (update) => this.#emitProgress(taskId, update),
      onLog: (entry) => this.#emitLog(taskId, entry),
      // Only while this very attempt waits: a late call must not start a later attempt of the task.
      onStarted: () => {
        if (this.core.attemptsOf(index) === attempt && this.#awaitingWorker.delete(index))
          this.#onStarted(index, attempt);
      },
    };
    this.#setup.executor
      .execute(this.#invocationOf(dispatch), hooks)
      .then(
        (value) => this.#settleAttempt(dispatch, { status: 'fulfilled', value }),
        (reason: unknown) => this.#settleAttempt(dispatch, { status: 'rejected', reason }),
      )
      .then(() => this.#afterAttempts());
  }

  /** Small tasks the core put in one slot travel to one worker in one message. */
  #launchBatch(batch: Dispatch[]): void {
    const hooks: BatchHooks = {
      signal: this.#halt.signal,
      onProgress: (taskId, update) => this.#emitProgress(taskId, update),
      onLog: (taskId, entry) => this.#emitLog(taskId, entry),
    };
    this.#setup.executor.executeBatch!(
      batch.map((dispatch) => this.#invocationOf(dispatch)),
      hooks,
    )
      .then((settled) => {
        for (const [position, result] of settled.entries()) this.#settleAttempt(batch[position]!, result);
      })
      .then(() => this.#afterAttempts());
  }

  #settleAttempt({ index, attempt }: Dispatch, result: PromiseSettledResult<InvocationOutcome>): void {
    if (result.status === 'fulfilled') {
      const { value } = result;
      this.#endAttempt(index, attempt, value, 'completed');
      const state = this.#attempts[index]!;
      state.output = value.output;
      state.outputFiles = value.outputFiles;
      state.context = value.context;
      if (value.context) {
        this.#tokens.original += value.context.originalTokens;
        this.#tokens.kept += value.context.keptTokens;
      }
      this.core.succeed(index, this.#now());
      return;
    }
    const failure = failureOf(result.reason);
    const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
    this.#endAttempt(index, attempt, undefined, failure, message);
    this.core.fail(index, this.#now(), failure, message);
  }

  #emitProgress(taskId: string, { fraction, message }: ProgressUpdate): void {
    this.#setup.emit('taskProgress', { workflowId: this.workflowId, taskId, fraction, message });
  }

  #emitLog(taskId: string, { level, message }: AgentLogEntry): void {
    this.#setup.emit('taskLog', { workflowId: this.workflowId, taskId, level, message });
  }

  /** Records the attempt in the agent's history; the worker's own timing is preferred when it has one. */
  #endAttempt(
    index: number,
    attempt: number,
    outcome: InvocationOutcome | undefined,
    status: TaskStatus,
    error?: string,
  ): void {
    const state = this.#attempts[index]!;
    const neverStarted = this.#awaitingWorker.delete(index);
    // Cancelled while still queued, as a task cancelled before dispatch: no attempt, no history entry.
    if (neverStarted && status === 'cancelled') {
      state.unstarted = (state.unstarted ?? 0) + 1;
      return;
    }
    state.durationMs = outcome?.durationMs ?? performance.now() - (state.startedPerf ?? performance.now());
    this.#setup.history.record(this.#setup.agents[index]!.type, {
      taskId: this.#setup.tasks[index]!.id,
      status,
      success: status === 'completed',
      durationMs: state.durationMs,
      ...(error === undefined ? {} : { error }),
      attempt,
      startedAt: state.startedAt ?? Date.now(),
      finishedAt: Date.now(),
      ...(outcome?.workerId === undefined ? {} : { workerId: outcome.workerId }),
    });
  }

  #onSettled(index: number, status: TaskStatus, error: string | undefined): void {
    const task = this.#setup.tasks[index]!;
    const state = this.#attempts[index]!;
    const result: TaskResult = {
      taskId: task.id,
      success: status === 'completed',
      status,
      outputFiles: state.outputFiles,
      agentType: this.#setup.agents[index]!.type,
      attempts: this.core.attemptsOf(index) - (state.unstarted ?? 0),
      durationMs: state.durationMs,
      finishedAt: Date.now(),
    };
    if (status === 'completed') result.output = state.output;
    if (status === 'completed' && state.context) result.context = state.context;
    if (error !== undefined) result.error = error;
    if (state.startedAt !== undefined) result.startedAt = state.startedAt;
    this.#setup.onResult?.(index, result);
    this.#results[index] = result;
    this.#setup.emit(status === 'skipped' ? 'taskSkipped' : 'taskFinished', {
      workflowId: this.workflowId,
      result,
    });
  }
}

function failureOf(error: unknown): AttemptFailure {
  if (error instanceof TaskTimeoutError) return 'timed_out';
  if (error instanceof TaskCancelledError) return 'cancelled';
  return 'failed';
}

function describeAbort(reason: unknown): string {
  if (reason === undefined) return 'aborted';
  return `aborted (${reason instanceof Error ? reason.message : String(reason)})`;
}
