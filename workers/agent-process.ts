import { runAgent } from '../src/agents/run-agent.js';
import type { ProcessHostMessage, ProcessRequest } from '../src/execution/process-protocol.js';
import { isProcessAbortNotice } from '../src/execution/process-protocol.js';
import type { WorkerResponse } from '../src/execution/protocol.js';

/** Abort controllers of the tasks this process runs now, by request key. */
const running = new Map<string, AbortController>();

process.on('message', (message: unknown) => {
  if (isProcessAbortNotice(message)) running.get(message.key)?.abort(message.reason);
});

// Ctrl-C in a terminal reaches the whole process group: the parent decides what to cancel, and a child that
// died of it first would report its task as crashed rather than cancelled.
process.on('SIGINT', () => {});
// A worker whose parent is gone has no one to answer.
process.on('disconnect', () => process.exit());

function send(message: ProcessHostMessage): void {
  process.send?.(message);
}

/**
 * Runs one task in a pool process (Tinypool's child_process runtime): the same agent code path as a worker
 * thread, with progress, logs and abort carried over the process's IPC channel, tagged with the request key.
 */
export default async function runAgentProcessTask({ key, ...job }: ProcessRequest): Promise<WorkerResponse> {
  const abort = new AbortController();
  running.set(key, abort);
  // The parent holds back a stop notice until it hears this, so the notice always finds the task here.
  send({ type: 'lingflow:started', key });
  try {
    return await runAgent({
      ...job,
      host: {
        progress: (update) => send({ type: 'lingflow:progress', key, update }),
        log: (entry) => send({ type: 'lingflow:log', key, entry }),
      },
      signal: abort.signal,
      workerId: process.pid,
    });
  } finally {
    running.delete(key);
  }
}
