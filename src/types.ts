import type { ContextReport } from './context/types.js';

/**
 * Priority classes of a task. Values are strings so that workflow files can say `priority: high`.
 * Higher classes are dispatched first; a prerequisite inherits the highest class of the tasks waiting on it.
 */
export const TaskPriority = {
  CRITICAL: 'critical',
  HIGH: 'high',
  NORMAL: 'normal',
  LOW: 'low',
} as const;

/** One of the {@link TaskPriority} values. */
export type TaskPriority = (typeof TaskPriority)[keyof typeof TaskPriority];

/** How a finished task ended. */
export type TaskStatus = 'completed' | 'failed' | 'timed_out' | 'cancelled' | 'skipped';

/** What happens to the rest of a workflow when a task fails for good. */
export type FailurePolicy = 'continue' | 'fail-fast';

/**
 * `cpu` agents never run more tasks at once than there are worker threads; `io` agents (HTTP, LLM calls,
 * subprocesses) may run several tasks per thread.
 */
export type AgentKind = 'cpu' | 'io';

/**
 * Where an agent runs: `thread` (a worker thread, the default) or `process` (a child process of its own, for
 * native addons that are not thread-safe or code that may crash the process).
 */
export type AgentIsolation = 'thread' | 'process';

/** Declares an agent: a module whose default export handles tasks inside a worker thread. */
export interface AgentSpec {
  /** Path or `file:` URL of the agent module. Relative paths resolve against the current directory. */
  module: string | URL;
  /** What the agent does; used by automatic agent selection. */
  description?: string;
  /** Keywords the agent is good at; used by automatic agent selection. */
  capabilities?: string[];
  /** Defaults to `cpu`. */
  kind?: AgentKind;
  /** Defaults to the coordinator's `isolation`, which defaults to `thread`. */
  isolation?: AgentIsolation;
}

/** A unit of work for an agent. */
export interface Task {
  /** Unique within one workflow. */
  id: string;
  /** What to do; also the query for context compression and the text automatic agent selection matches. */
  description?: string;
  /** Agent to run the task; chosen automatically when omitted. */
  agentType?: string;
  /** Input for the agent; must be structured-clone-able. String fields may be compressed. */
  context?: Record<string, unknown>;
  /** Ids of tasks that must complete before this one starts. */
  dependencies?: string[];
  /** Defaults to {@link TaskPriority.NORMAL}. */
  priority?: TaskPriority;
  /** Limit on one attempt's execution time, from its start, in milliseconds. */
  timeoutMs?: number;
  /** How many times to retry after a failure or timeout. */
  retries?: number;
  /** Overrides the coordinator's `enableCompression` for this task. */
  enableCompression?: boolean;
  /** Overrides the coordinator's `compressionRatio` for this task: share of context tokens kept, in (0, 1]. */
  compressionRatio?: number;
  /** Overrides the coordinator's `maxContextTokens` for this task. */
  maxContextTokens?: number;
}

/** The outcome of one task. */
export interface TaskResult<T = unknown> {
  taskId: string;
  /** `true` exactly when `status` is `completed`. */
  success: boolean;
  status: TaskStatus;
  /** The agent's return value. */
  output?: T;
  /** Files the agent declared with `ctx.addOutputFile()`. */
  outputFiles: string[];
  /** A message a person can read, when the task did not complete. */
  error?: string;
  agentType?: string;
  /** Attempts made (0 for tasks that never started). */
  attempts: number;
  /** Execution time of the last attempt in milliseconds (0 if it never started). */
  durationMs: number;
  /** Epoch milliseconds when the last attempt started. */
  startedAt?: number;
  /** Epoch milliseconds when the task reached its final status. */
  finishedAt?: number;
  /** `true` when the result was read from the run's journal instead of running the task again. */
  resumed?: boolean;
  /** What context preparation did in the worker: tokens before and after, ratio, strategies per field. */
  context?: ContextReport;
}

/** One attempt of one task, as kept in an agent's history. */
export interface TaskRecord {
  taskId: string;
  status: TaskStatus;
  success: boolean;
  durationMs: number;
  error?: string;
  /** 1 for the first attempt. */
  attempt: number;
  startedAt: number;
  finishedAt: number;
  /** Thread id of the worker that ran the attempt, when known. */
  workerId?: number;
}
