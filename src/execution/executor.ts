import type { ContextReport } from '../context/index.js';
import type { AgentJob, AgentLogEntry, ProgressUpdate } from './protocol.js';

/** One attempt of one task, as handed to an executor. */
export interface Invocation extends AgentJob {
  /** Interrupt the attempt after this many milliseconds from its start. */
  timeoutMs?: number;
  /** Same for the same workflow in any process; queue executors derive job ids from it. */
  workflowKey?: string;
  /** Inherited priority class as a `PRIORITY_RANK` (3 critical … 0 low); queue executors order jobs by it. */
  priorityRank?: number;
  /**
   * Handed out ahead of a free thread: the executor queues it for the next thread that frees up, calls
   * {@link InvocationHooks.onStarted} when a thread takes it, and counts the timeout from then.
   */
  queued?: boolean;
}

/** The part of an invocation a worker needs: all but what the main thread supervises (the timeout). */
export function jobOf({ task, agent, compression }: Invocation): AgentJob {
  return compression ? { task, agent, compression } : { task, agent };
}

/** How an executor reports back while an attempt runs, and how it is told to stop. */
export interface InvocationHooks {
  /** Cancels the attempt; the executor rejects with `TaskCancelledError`. */
  signal: AbortSignal;
  onProgress?(update: ProgressUpdate): void;
  onLog?(entry: AgentLogEntry): void;
  /**
   * Called once a worker has taken a queued attempt off the queue (one of an executor that
   * {@link TaskExecutor.reportsStart}, or an {@link Invocation.queued} one); at most once per attempt.
   */
  onStarted?(): void;
}

/** A completed attempt. */
export interface InvocationOutcome {
  output: unknown;
  outputFiles: string[];
  /** Thread id (or process id) that ran the attempt. */
  workerId?: number;
  /** Execution time measured inside the worker, when the executor knows it. */
  durationMs?: number;
  /** What context preparation did, when it ran. */
  context?: ContextReport;
}

/** How an executor reports back while a batch runs, and how it is told to stop. */
export interface BatchHooks {
  /** Cancels the whole batch. */
  signal: AbortSignal;
  onProgress?(taskId: string, update: ProgressUpdate): void;
  onLog?(taskId: string, entry: AgentLogEntry): void;
}

/**
 * Runs attempts somewhere: worker threads today, child processes or a distributed queue tomorrow. The
 * coordinator depends only on this interface.
 *
 * `execute` resolves with the agent's output, or rejects with one of: `TaskTimeoutError`,
 * `TaskCancelledError`, `AgentError`, `AgentLoadError`, `WorkerCrashError`.
 */
export interface TaskExecutor {
  /** How many CPU tasks can truly run at once; may change when the executor has {@link watchThreads}. */
  readonly threads: number;
  /**
   * Set by executors that identify attempts across processes (queues): the coordinator then fingerprints
   * each workflow and passes it as {@link Invocation.workflowKey}.
   */
  readonly keyedByWorkflow?: boolean;
  /**
   * Set by executors that queue attempts until a worker takes them: they call
   * {@link InvocationHooks.onStarted} then, and the coordinator counts the attempt as started (its
   * `taskStarted` event, running status and start time) only from that moment. Other executors start an
   * attempt when `execute` is called.
   */
  readonly reportsStart?: boolean;
  /**
   * Optional, for executors whose capacity changes while they run (queue workers coming and going): calls
   * `listener` with the new {@link threads} after each change.
   *
   * @returns A function that stops the calls.
   */
  watchThreads?(listener: (threads: number) => void): () => void;
  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome>;
  /**
   * Optional: runs several small attempts without timeouts one after another on one worker, sent and
   * answered in one message each way, which is what makes tiny tasks cheap. Never rejects: each attempt
   * settles with its outcome or with the error `execute` would have rejected with (a worker that dies or
   * a cancelled batch fails every attempt in it).
   */
  executeBatch?(
    batch: readonly Invocation[],
    hooks: BatchHooks,
  ): Promise<PromiseSettledResult<InvocationOutcome>[]>;
  /**
   * Optional: from now on runs at most `limit` CPU attempts at once, holding the rest in its queue until one
   * finishes, even on idle threads. With it, the coordinator may hand attempts ahead while `'auto'` moves
   * its limit below the threads; without it, attempts handed over start on any idle thread.
   */
  limitCpu?(limit: number): void;
  /** Stops every worker; pending attempts reject. */
  close(): Promise<void>;
}
