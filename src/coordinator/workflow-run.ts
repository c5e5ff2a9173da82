import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type { TaskExecutor } from '../execution/executor.js';
import type { AgentBinding } from '../execution/protocol.js';
import type { AgentHistory } from '../monitoring/agent-history.js';
import type { CoordinatorEvents } from '../monitoring/events.js';
import type { AttemptFailure, SchedulerCore, SchedulerCoreOptions } from '../scheduling/scheduler-core.js';
import { SchedulerCore as Core } from '../scheduling/scheduler-core.js';
import type { Task, TaskResult, TaskStatus } from '../types.js';

/** Emits coordinator events; the run does not know who listens. */
export type EmitEvent = EventEmitter<CoordinatorEvents>['emit'];

/** Everything a live run needs, prepared by the coordinator. */
export interface WorkflowRunSetup {
  workflowId: string;
  tasks: readonly Task[];
  agents: readonly AgentBinding[];
  timeoutsMs: readonly (number | undefined)[];
  schedule: Omit<SchedulerCoreOptions, 'observer'>;
  executor: TaskExecutor;
  history: AgentHistory;
  emit: EmitEvent;
}

/** What is known of a task's latest attempt while the run goes on. */
interface AttemptState {
  controller?: AbortController;
  startedAt?: number;
  startedPerf?: number;
  durationMs: number;
  output?: unknown;
  outputFiles: string[];
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
  #wakeTimer: NodeJS.Timeout | undefined;
  #finish!: (results: TaskResult[]) => void;
  readonly #done = new Promise<TaskResult[]>((resolve) => {
    this.#finish = resolve;
  });

  constructor(setup: WorkflowRunSetup) {
    this.#setup = setup;
    this.workflowId = setup.workflowId;
    this.#attempts = setup.tasks.map(() => ({ durationMs: 0, outputFiles: [] }));
    this.#results = new Array(setup.tasks.length);
    this.core = new Core({
      ...setup.schedule,
      observer: {
        taskStarted: (index, attempt) => this.#onStarted(index, attempt),
        taskRetrying: (index, nextAttempt, retryAt, error) =>
          setup.emit('taskRetried', {
            workflowId: this.workflowId,
            taskId: setup.tasks[index]!.id,
            nextAttempt,
            delayMs: retryAt - this.#now(),
            error,
          }),
        taskSettled: (index, status, _now, error) => this.#onSettled(index, status, error),
        halted: (reason, running) => {
          for (const index of running) this.#attempts[index]!.controller?.abort(reason);
        },
      },
    });
  }

  /** Ids of the tasks running now. */
  runningTaskIds(): string[] {
    return this.#setup.tasks
      .filter((_, index) => this.core.phaseOf(index) === 'running')
      .map((task) => task.id);
  }

  /** The agent type a task of this run was given. */
  agentTypeOf(taskId: string): string | undefined {
    const index = this.core.graph.indexOf.get(taskId);
    return index === undefined ? undefined : this.#setup.agents[index]!.type;
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

  #now(): number {
    return performance.now() - this.#startedPerf;
  }

  #pump(): void {
    for (const { index, attempt } of this.core.dispatch(this.#now())) this.#launch(index, attempt);
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

  #onStarted(index: number, attempt: number): void {
    const task = this.#setup.tasks[index]!;
    const state = this.#attempts[index]!;
    state.startedAt = Date.now();
    state.startedPerf = performance.now();
    // Created before listeners hear of the start, so one that aborts the workflow reaches this attempt too.
    state.controller = new AbortController();
    this.#setup.emit('taskStarted', {
      workflowId: this.workflowId,
      taskId: task.id,
      agentType: this.#setup.agents[index]!.type,
      attempt,
      startedAt: state.startedAt,
    });
  }

  #launch(index: number, attempt: number): void {
    const { tasks, agents, timeoutsMs, executor, emit } = this.#setup;
    const task = tasks[index]!;
    const agent = agents[index]!;
    const state = this.#attempts[index]!;
    const controller = state.controller!;
    const invocation = {
      task: {
        id: task.id,
        description: task.description ?? '',
        agentType: agent.type,
        context: task.context ?? {},
        attempt,
      },
      agent,
      timeoutMs: timeoutsMs[index],
    };
    const hooks = {
      signal: controller.signal,
      onProgress: ({ fraction, message }: { fraction: number; message?: string }) =>
        emit('taskProgress', { workflowId: this.workflowId, taskId: task.id, fraction, message }),
      onLog: ({ level, message }: { level: 'debug' | 'info' | 'warn' | 'error'; message: string }) =>
        emit('taskLog', { workflowId: this.workflowId, taskId: task.id, level, message }),
    };
    executor.execute(invocation, hooks).then(
      (outcome) => {
        this.#endAttempt(index, attempt, outcome.workerId, 'completed');
        state.output = outcome.output;
        state.outputFiles = outcome.outputFiles;
        this.core.succeed(index, this.#now());
        this.#pump();
      },
      (error: unknown) => {
        const failure = failureOf(error);
        const message = error instanceof Error ? error.message : String(error);
        this.#endAttempt(index, attempt, undefined, failure, message);
        this.core.fail(index, this.#now(), failure, message);
        this.#pump();
      },
    );
  }

  #endAttempt(
    index: number,
    attempt: number,
    workerId: number | undefined,
    status: TaskStatus,
    error?: string,
  ) {
    const state = this.#attempts[index]!;
    state.controller = undefined;
    state.durationMs = performance.now() - (state.startedPerf ?? performance.now());
    this.#setup.history.record(this.#setup.agents[index]!.type, {
      taskId: this.#setup.tasks[index]!.id,
      status,
      success: status === 'completed',
      durationMs: state.durationMs,
      ...(error === undefined ? {} : { error }),
      attempt,
      startedAt: state.startedAt ?? Date.now(),
      finishedAt: Date.now(),
      ...(workerId === undefined ? {} : { workerId }),
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
      attempts: this.core.attemptsOf(index),
      durationMs: state.durationMs,
      finishedAt: Date.now(),
    };
    if (status === 'completed') result.output = state.output;
    if (error !== undefined) result.error = error;
    if (state.startedAt !== undefined) result.startedAt = state.startedAt;
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
