import { type MessagePort, threadId } from 'node:worker_threads';
import { wrap } from 'comlink';
import { runAgent } from '../src/agents/run-agent.js';
import { toComlinkEndpoint } from '../src/execution/comlink-endpoint.js';
import type {
  AbortNotice,
  BatchHostChannel,
  HostChannel,
  WorkerBatchRequest,
  WorkerRequest,
  WorkerResponse,
} from '../src/execution/protocol.js';

/** Passes on a host call and remembers it, so the answer can wait until the main thread has taken it. */
type Deliver = (call: Promise<void>) => void;

/**
 * Runs one task in a pool thread: the agent's progress, logs and abort travel over the task's own port.
 */
export default function runAgentTask({ port, ...job }: WorkerRequest): Promise<WorkerResponse> {
  const remote = wrap<HostChannel>(toComlinkEndpoint(port));
  return serveOnPort(port, (signal, deliver) => {
    const host: HostChannel = {
      progress: (update) => deliver(remote.progress(update)),
      log: (entry) => deliver(remote.log(entry)),
    };
    return runAgent({ ...job, host, signal, workerId: threadId });
  });
}

/**
 * Runs a batch of small tasks one after another in a pool thread, answering for all of them in one
 * message: for tiny tasks the message is the cost, so this is what makes them fast.
 */
export function runAgentBatch({ items, port }: WorkerBatchRequest): Promise<WorkerResponse[]> {
  const remote = wrap<BatchHostChannel>(toComlinkEndpoint(port));
  return serveOnPort(port, async (signal, deliver) => {
    const responses: WorkerResponse[] = [];
    for (const job of items) {
      const host: HostChannel = {
        progress: (update) => deliver(remote.progress(job.task.id, update)),
        log: (entry) => deliver(remote.log(job.task.id, entry)),
      };
      responses.push(await runAgent({ ...job, host, signal, workerId: threadId }));
    }
    return responses;
  });
}

/**
 * Gives `work` a signal that aborts when the main thread sends an abort notice, waits until the main
 * thread has taken the last host call, and closes the port. Host calls travel on this port and the answer
 * on Piscina's, so without the wait the main thread could close its end with progress still in flight.
 */
async function serveOnPort<T>(
  port: MessagePort,
  work: (signal: AbortSignal, deliver: Deliver) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const onAbortNotice = (notice: AbortNotice) => {
    if (notice?.type === 'lingflow:abort') abort.abort(notice.reason);
  };
  port.on('message', onAbortNotice);
  let lastCall: Promise<void> | undefined;
  try {
    const result = await work(abort.signal, (call) => {
      lastCall = call;
    });
    // A port of the same channel delivers in order, so the last call's reply means all of them arrived.
    if (lastCall && !abort.signal.aborted) await lastCall;
    return result;
  } finally {
    port.off('message', onAbortNotice);
    port.close();
  }
}
