import { threadId } from 'node:worker_threads';
import { wrap } from 'comlink';
import type { AgentContext } from '../src/agents/agent-context.js';
import { loadAgentHandler } from '../src/agents/load-agent.js';
import { toComlinkEndpoint } from '../src/execution/comlink-endpoint.js';
import type { AbortNotice, HostChannel, WorkerRequest, WorkerResponse } from '../src/execution/protocol.js';

/**
 * Runs one task in a pool thread: load the agent (cached per thread), give it a context whose progress,
 * logs and abort travel over the task's own port, and answer with its output or the cause of its failure.
 */
export default async function runAgentTask({ task, agent, port }: WorkerRequest): Promise<WorkerResponse> {
  const host = wrap<HostChannel>(toComlinkEndpoint(port));
  const abort = new AbortController();
  const onAbortNotice = (notice: AbortNotice) => {
    if (notice?.type === 'lingflow:abort') abort.abort(notice.reason);
  };
  port.on('message', onAbortNotice);
  const outputFiles: string[] = [];
  try {
    let handler: Awaited<ReturnType<typeof loadAgentHandler>>;
    try {
      handler = await loadAgentHandler(agent.moduleUrl);
    } catch (error) {
      return failure('load', error);
    }
    const context: AgentContext = {
      signal: abort.signal,
      workerId: threadId,
      reportProgress: (fraction, message) => void host.progress({ fraction, message }),
      log: (...args) => void host.log({ level: 'info', message: formatLogArgs(args) }),
      addOutputFile: (path) => void outputFiles.push(String(path)),
    };
    let output: unknown;
    try {
      output = await handler(task, context);
    } catch (error) {
      return failure('agent', error);
    }
    try {
      // A value the thread cannot send would otherwise fail inside the pool, after this function returns,
      // with no way to say which value was at fault.
      structuredClone(output);
    } catch (error) {
      return failure('clone', error);
    }
    return { ok: true, output, outputFiles, workerId: threadId };
  } finally {
    port.off('message', onAbortNotice);
    port.close();
  }
}

function failure(cause: 'agent' | 'load' | 'clone', error: unknown): WorkerResponse {
  if (error instanceof Error)
    return { ok: false, cause, message: error.message, stack: error.stack, workerId: threadId };
  return { ok: false, cause, message: String(error), workerId: threadId };
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
