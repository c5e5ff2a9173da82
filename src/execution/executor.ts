import type { AgentBinding, AgentLogEntry, AgentTask, ProgressUpdate } from './protocol.js';

/** One attempt of one task, as handed to an executor. */
export interface Invocation {
  task: AgentTask;
  agent: AgentBinding;
  /** Interrupt the attempt after this many milliseconds from its start. */
  timeoutMs?: number;
}

/** How an executor reports back while an attempt runs, and how it is told to stop. */
export interface InvocationHooks {
  /** Cancels the attempt; the executor rejects with `TaskCancelledError`. */
  signal: AbortSignal;
  onProgress?(update: ProgressUpdate): void;
  onLog?(entry: AgentLogEntry): void;
}

/** A completed attempt. */
export interface InvocationOutcome {
  output: unknown;
  outputFiles: string[];
  /** Thread id (or process id) that ran the attempt. */
  workerId?: number;
}

/**
 * Runs attempts somewhere: worker threads today, child processes or a distributed queue tomorrow. The
 * coordinator depends only on this interface.
 *
 * `execute` resolves with the agent's output, or rejects with one of: `TaskTimeoutError`,
 * `TaskCancelledError`, `AgentError`, `AgentLoadError`, `WorkerCrashError`.
 */
export interface TaskExecutor {
  /** How many CPU tasks can truly run at once. */
  readonly threads: number;
  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome>;
  /** Stops every worker; pending attempts reject. */
  close(): Promise<void>;
}
