import { performance } from 'node:perf_hooks';
import type { AgentCoordinator } from '../../coordinator/agent-coordinator.js';
import type {
  ParallelismChangedEvent,
  TaskFinishedEvent,
  TaskLogEvent,
  TaskProgressEvent,
  TaskRetriedEvent,
  TaskSkippedEvent,
  TaskStartedEvent,
} from '../../monitoring/events.js';
import type { Task, TaskResult, TaskStatus } from '../../types.js';

/** A task running now, as a display shows it. */
export interface RunningTask {
  taskId: string;
  agentType: string;
  attempt: number;
  /** `performance.now()` at its start. */
  startedAt: number;
  fraction?: number;
  message?: string;
}

/** What a display can react to, besides redrawing the current state. */
export type ProgressNote =
  | { kind: 'started'; task: RunningTask }
  | { kind: 'finished'; result: TaskResult }
  | { kind: 'retried'; taskId: string; nextAttempt: number; delayMs: number; error: string }
  | { kind: 'log'; taskId: string; message: string }
  | { kind: 'progress'; task: RunningTask }
  | { kind: 'parallelism'; previous: number; limit: number };

/**
 * The state of one workflow run, kept from the coordinator's events: tasks running with their agent, start
 * and progress; counts by final status; tokens saved by context compression.
 */
export class RunProgress {
  readonly total: number;
  readonly startedAt = performance.now();
  readonly running = new Map<string, RunningTask>();
  readonly finished: TaskResult[] = [];
  readonly counts: Record<TaskStatus, number> = {
    completed: 0,
    failed: 0,
    timed_out: 0,
    cancelled: 0,
    skipped: 0,
  };
  tokensSaved = 0;
  /** With `--parallel auto`: the CPU-task limit the controller chose last. */
  parallelism: number | undefined;
  /** Whether any result reported compression, so a display can leave the figure out otherwise. */
  compressed = false;
  #listeners: ((note: ProgressNote) => void)[] = [];

  /** Width of the longest task id and agent type named up front, so lines line up from the first one. */
  readonly idWidth: number;
  readonly agentWidth: number;

  constructor(tasks: readonly Pick<Task, 'id' | 'agentType'>[]) {
    this.total = tasks.length;
    this.idWidth = Math.max(0, ...tasks.map((task) => task.id.length));
    this.agentWidth = Math.max(0, ...tasks.map((task) => task.agentType?.length ?? 0));
  }

  /** Follows a coordinator's events. @returns A function that stops following. */
  follow(coordinator: AgentCoordinator): () => void {
    const onStarted = ({ taskId, agentType, attempt }: TaskStartedEvent) => {
      const task: RunningTask = { taskId, agentType, attempt, startedAt: performance.now() };
      this.running.set(taskId, task);
      this.#notify({ kind: 'started', task });
    };
    const onProgress = ({ taskId, fraction, message }: TaskProgressEvent) => {
      const task = this.running.get(taskId);
      if (!task) return;
      task.fraction = fraction;
      if (message !== undefined) task.message = message;
      this.#notify({ kind: 'progress', task });
    };
    const onLog = ({ taskId, message }: TaskLogEvent) => this.#notify({ kind: 'log', taskId, message });
    const onRetried = ({ taskId, nextAttempt, delayMs, error }: TaskRetriedEvent) => {
      this.running.delete(taskId);
      this.#notify({ kind: 'retried', taskId, nextAttempt, delayMs, error });
    };
    const onFinished = ({ result }: TaskFinishedEvent | TaskSkippedEvent) => this.#finish(result);
    const onParallelism = ({ previousLimit, limit }: ParallelismChangedEvent) => {
      this.parallelism = limit;
      if (limit !== previousLimit) this.#notify({ kind: 'parallelism', previous: previousLimit, limit });
    };
    coordinator.on('taskStarted', onStarted);
    coordinator.on('taskProgress', onProgress);
    coordinator.on('taskLog', onLog);
    coordinator.on('taskRetried', onRetried);
    coordinator.on('taskFinished', onFinished);
    coordinator.on('taskSkipped', onFinished);
    coordinator.on('parallelismChanged', onParallelism);
    return () => {
      coordinator.off('taskStarted', onStarted);
      coordinator.off('taskProgress', onProgress);
      coordinator.off('taskLog', onLog);
      coordinator.off('taskRetried', onRetried);
      coordinator.off('taskFinished', onFinished);
      coordinator.off('taskSkipped', onFinished);
      coordinator.off('parallelismChanged', onParallelism);
    };
  }

  /** Calls `listener` on every change worth printing. */
  onNote(listener: (note: ProgressNote) => void): void {
    this.#listeners.push(listener);
  }

  /** Tasks with a final status. */
  get done(): number {
    return this.finished.length;
  }

  /** Milliseconds since the run started. */
  elapsedMs(now = performance.now()): number {
    return now - this.startedAt;
  }

  #finish(result: TaskResult): void {
    this.running.delete(result.taskId);
    this.finished.push(result);
    this.counts[result.status]++;
    const saved = tokensSavedBy(result);
    if (saved !== undefined) {
      this.compressed = true;
      this.tokensSaved += saved;
    }
    this.#notify({ kind: 'finished', result });
  }

  #notify(note: ProgressNote): void {
    for (const listener of this.#listeners) listener(note);
  }
}

/** Tokens the context engine removed from a task's context, when it prepared one. */
export function tokensSavedBy(result: TaskResult): number | undefined {
  if (!result.context) return undefined;
  return Math.max(0, result.context.originalTokens - result.context.keptTokens);
}
