import type { ControllerDecision } from '../adaptive/concurrency-controller.js';
import type { TaskResult } from '../types.js';

/** Identifies the run an event belongs to, since one coordinator may run several workflows at once. */
interface WorkflowEvent {
  workflowId: string;
}

/** An attempt started on a worker. */
export interface TaskStartedEvent extends WorkflowEvent {
  taskId: string;
  agentType: string;
  attempt: number;
  /** Epoch milliseconds. */
  startedAt: number;
}

/** An agent reported progress. */
export interface TaskProgressEvent extends WorkflowEvent {
  taskId: string;
  fraction: number;
  message?: string;
}

/** An agent logged a line. */
export interface TaskLogEvent extends WorkflowEvent {
  taskId: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** An attempt failed and the task will run again after a delay. */
export interface TaskRetriedEvent extends WorkflowEvent {
  taskId: string;
  /** The attempt about to be made. */
  nextAttempt: number;
  delayMs: number;
  error: string;
}

/** A task reached its final status (any status but `skipped`, which has its own event). */
export interface TaskFinishedEvent extends WorkflowEvent {
  result: TaskResult;
}

/** A task will not run because a dependency did not complete. */
export interface TaskSkippedEvent extends WorkflowEvent {
  result: TaskResult;
}

/** Every task of a workflow has its result. */
export interface WorkflowFinishedEvent extends WorkflowEvent {
  results: TaskResult[];
  durationMs: number;
}

/**
 * With `maxParallelAgents: 'auto'`, the controller changed how many CPU tasks run at once: why
 * (`action`), from and to which limit, the cores it found free and the throughput it measured.
 */
export type ParallelismChangedEvent = ControllerDecision;

/** The events an `AgentCoordinator` emits, by name, with their argument lists. */
export interface CoordinatorEvents {
  taskStarted: [TaskStartedEvent];
  taskProgress: [TaskProgressEvent];
  taskLog: [TaskLogEvent];
  taskRetried: [TaskRetriedEvent];
  taskFinished: [TaskFinishedEvent];
  taskSkipped: [TaskSkippedEvent];
  workflowFinished: [WorkflowFinishedEvent];
  parallelismChanged: [ParallelismChangedEvent];
}
