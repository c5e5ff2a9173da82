import { threadId } from 'node:worker_threads';
import { wrap } from 'comlink';
import { runAgent } from '../src/agents/run-agent.js';
import { toComlinkEndpoint } from '../src/execution/comlink-endpoint.js';
import type { AbortNotice, HostChannel, WorkerRequest, WorkerResponse } from '../src/execution/protocol.js';

/**
 * Runs one task in a pool thread: the agent's progress, logs and abort travel over the task's own port.
 */
export default async function runAgentTask({ task, agent, port }: WorkerRequest): Promise<WorkerResponse> {
  const host = wrap<HostChannel>(toComlinkEndpoint(port));
  const abort = new AbortController();
  const onAbortNotice = (notice: AbortNotice) => {
    if (notice?.type === 'lingflow:abort') abort.abort(notice.reason);
  };
  port.on('message', onAbortNotice);
  try {
    return await runAgent({ task, agent, host, signal: abort.signal, workerId: threadId });
  } finally {
    port.off('message', onAbortNotice);
    port.close();
  }
}
