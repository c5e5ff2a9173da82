import { TokenLimitError } from '../context/index.js';
import {
  AgentError,
  AgentLoadError,
  ContextPreparationError,
  TaskCancelledError,
  TaskTimeoutError,
  WorkerCrashError,
} from '../errors.js';
import { type AttemptHooks, AttemptStart } from './attempt-start.js';
import type { Invocation, InvocationHooks, InvocationOutcome } from './executor.js';
import type { WorkerResponse } from './protocol.js';

/** How one attempt reaches a worker; what differs between worker threads and worker processes. */
export interface AttemptTransport {
  /**
   * Hands the attempt to a worker. `stop` aborts on timeout or cancel; a transport that passes it to its
   * pool gets the worker terminated, which is the only way to stop a busy loop.
   */
  start(stop: AbortSignal): Promise<WorkerResponse>;
  /** Asks the agent to stop through its `ctx.signal`. */
  notifyAbort(reason: string): void;
  /** Releases the attempt's host channel. */
  close(): void;
}

/**
 * Runs one attempt through a transport with the semantics every executor shares: a timeout counted from the
 * start, cancellation through `hooks.signal`, and failures told apart (`TaskTimeoutError`,
 * `TaskCancelledError`, `AgentError`, `AgentLoadError`, `WorkerCrashError`). A {@link Invocation.queued}
 * attempt starts when its transport calls `onStarted` (a worker took it), else at once.
 */
export async function superviseAttempt(
  invocation: Invocation,
  hooks: InvocationHooks,
  open: (hooks: AttemptHooks) => AttemptTransport,
): Promise<InvocationOutcome> {
  const { task, timeoutMs } = invocation;
  if (hooks.signal.aborted) throw new TaskCancelledError(task.id, String(hooks.signal.reason ?? 'aborted'));

  let timer: NodeJS.Timeout | undefined;
  let stopReason: 'timeout' | 'cancel' | undefined;
  const interrupt = (why: 'timeout' | 'cancel', reason: string) => {
    if (stopReason) return;
    stopReason = why;
    if (why === 'cancel') start.cancel();
    transport.notifyAbort(reason);
    stop.abort(reason);
  };
  const start = new AttemptStart(invocation.queued === true, hooks, () => {
    if (timeoutMs !== undefined)
      timer = setTimeout(() => interrupt('timeout', `timed out after ${timeoutMs} ms`), timeoutMs);
  });
  const transport = open(start.hooks);
  const stop = new AbortController();
  const onCancel = () => interrupt('cancel', String(hooks.signal.reason ?? 'aborted'));
  hooks.signal.addEventListener('abort', onCancel, { once: true });

  const run = transport.start(stop.signal);
  const stopped = new Promise<never>((_, reject) => {
    stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
  });
  try {
    let response: WorkerResponse;
    try {
      response = await Promise.race([run, stopped]);
    } catch (error) {
      if (stopReason === 'timeout') throw new TaskTimeoutError(task.id, timeoutMs!);
      if (stopReason === 'cancel')
        throw new TaskCancelledError(task.id, String(hooks.signal.reason ?? 'aborted'));
      if (!start.started) await start.beforeAnswer();
      // No answer and no stop: the worker itself went wrong.
      throw new WorkerCrashError(task.id, error instanceof Error ? error.message : String(error));
    }
    if (!start.started) await start.beforeAnswer();
    // An answer that came in before a stop stands, whatever it says: the attempt ran to it.
    return toOutcome(response, invocation);
  } finally {
    clearTimeout(timer);
    hooks.signal.removeEventListener('abort', onCancel);
    run.catch(() => {});
    transport.close();
  }
}

/** Turns a worker's answer into an outcome, or throws the typed error its failure cause calls for. */
export function toOutcome(response: WorkerResponse, { task, agent }: Invocation): InvocationOutcome {
  if (response.ok) {
    const { output, outputFiles, workerId, durationMs, context } = response;
    return context
      ? { output, outputFiles, workerId, durationMs, context }
      : { output, outputFiles, workerId, durationMs };
  }
  switch (response.cause) {
    case 'context':
      if (response.tokenLimit) throw new TokenLimitError({ ...response.tokenLimit, taskId: task.id });
      throw new ContextPreparationError(task.id, response.message);
    case 'load':
      throw new AgentLoadError(agent.type, agent.moduleUrl, response.message);
    case 'clone':
      throw new AgentError(
        task.id,
        agent.type,
        `its return value cannot be sent between threads (${response.message})`,
      );
    default:
      throw new AgentError(task.id, agent.type, response.message, response.stack);
  }
}
