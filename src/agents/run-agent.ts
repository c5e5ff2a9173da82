import { prepareContext, TokenLimitError } from '../context/index.js';
import type { AgentJob, HostChannel, WorkerResponse } from '../execution/protocol.js';
import type { AgentContext } from './agent-context.js';
import { loadAgentHandler } from './load-agent.js';

/** Everything one agent run needs from the worker (thread or process) that hosts it. */
export interface AgentRun extends AgentJob {
  /** Where progress and log lines go: comlink to the main thread, or IPC to the parent process. */
  host: HostChannel;
  /** Aborts when the task is cancelled or times out. */
  signal: AbortSignal;
  /** Thread id or process id of the worker, reported to the agent and in the response. */
  workerId: number;
}

/**
 * Runs one task inside a worker: loads the agent (cached per worker), hands it a context wired to `host`,
 * and answers with its output or the cause of its failure. Never throws, so the caller can tell a failing
 * agent from a dying worker.
 */
export async function runAgent({
  task,
  agent,
  compression,
  host,
  signal,
  workerId,
}: AgentRun): Promise<WorkerResponse> {
  const failure = (cause: 'agent' | 'load' | 'clone' | 'context', error: unknown): WorkerResponse =>
    error instanceof Error
      ? {
          ok: false,
          cause,
          // A module that fails to load is best explained by the kind of error ("SyntaxError: …").
          message:
            cause === 'load' && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message,
          stack: error.stack,
          workerId,
        }
      : { ok: false, cause, message: String(error), workerId };

  let handler: Awaited<ReturnType<typeof loadAgentHandler>>;
  try {
    handler = await loadAgentHandler(agent.moduleUrl);
  } catch (error) {
    return failure('load', error);
  }
  let prepared: Awaited<ReturnType<typeof prepareContext>> | undefined;
  if (compression) {
    try {
      prepared = await prepareContext(task.context, {
        ...compression,
        query: task.description,
        taskId: task.id,
      });
    } catch (error) {
      const response = failure('context', error);
      if (error instanceof TokenLimitError && !response.ok) response.tokenLimit = error.details();
      return response;
    }
  }
  const outputFiles: string[] = [];
  const context: AgentContext = {
    signal,
    workerId,
    reportProgress: (fraction, message) => void host.progress({ fraction, message }),
    log: (...args) => void host.log({ level: 'info', message: formatLogArgs(args) }),
    addOutputFile: (path) => void outputFiles.push(String(path)),
  };
  let output: unknown;
  const startedAt = performance.now();
  try {
    output = await handler(prepared ? { ...task, context: prepared.context } : task, context);
  } catch (error) {
    return failure('agent', error);
  }
  const durationMs = performance.now() - startedAt;
  try {
    // A value the worker cannot send would otherwise fail inside the pool, after this function returns,
    // with no way to say which value was at fault.
    structuredClone(output);
  } catch (error) {
    return failure('clone', error);
  }
  return prepared
    ? { ok: true, output, outputFiles, workerId, durationMs, context: prepared.report }
    : { ok: true, output, outputFiles, workerId, durationMs };
}

function formatLogArgs(args: unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : inspectValue(arg))).join(' ');
}

function inspectValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
