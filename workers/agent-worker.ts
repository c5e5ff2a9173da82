import { MessageChannel, parentPort, threadId } from 'node:worker_threads';
import { wrap } from 'comlink';
import { runAgent } from '../src/agents/run-agent.js';
import { toComlinkEndpoint } from '../src/execution/comlink-endpoint.js';
import {
  type HostChannel,
  type HostPortNotice,
  isAbortNotice,
  type ThreadHostChannel,
  type WorkerBatchRequest,
  type WorkerRequest,
  type WorkerResponse,
} from '../src/execution/protocol.js';

// The thread's host channel: its other end goes to the main thread once, as the thread starts.
const { port1: hostPort, port2: mainEnd } = new MessageChannel();
const notice: HostPortNotice = { type: 'lingflow:host-port', port: mainEnd };
parentPort?.postMessage(notice, [mainEnd]);
const remote = wrap<ThreadHostChannel>(toComlinkEndpoint(hostPort));

/** Abort controllers of the calls this thread runs now. */
const running = new Map<number, AbortController>();
/**
 * Abort notices for calls this thread does not run (yet): the task and its notice travel on different
 * ports, so a notice may arrive first. Notices reach every thread, so this keeps only the latest few.
 */
const abortedEarly = new Map<number, string>();
const ABORTED_EARLY_KEPT = 256;

hostPort.on('message', (message: unknown) => {
  if (!isAbortNotice(message)) return;
  const controller = running.get(message.call);
  if (controller) return controller.abort(message.reason);
  abortedEarly.set(message.call, message.reason);
  if (abortedEarly.size > ABORTED_EARLY_KEPT) abortedEarly.delete(abortedEarly.keys().next().value!);
});

/** Runs one task in a pool thread: its progress, logs and abort travel over the thread's host channel. */
export default function runAgentTask(request: WorkerRequest): Promise<WorkerResponse> {
  return runCall(request);
}

/**
 * Runs a batch of small tasks one after another in a pool thread, answering for all of them in one
 * message: for tiny tasks the message is the cost, so this is what makes them fast.
 */
export async function runAgentBatch({ items }: WorkerBatchRequest): Promise<WorkerResponse[]> {
  // A batch is stopped as a whole, so its tasks share one signal: a controller per tiny task costs more
  // than many of the tasks themselves.
  const abort = new AbortController();
  const responses: WorkerResponse[] = [];
  for (const request of items) responses.push(await runCall(request, abort));
  return responses;
}

/**
 * Runs one call with a signal that aborts on the main thread's notice, and answers only once the main
 * thread has taken the call's last host call: those travel on the host port and the answer on Piscina's,
 * so without the wait the main thread could close the call with progress still in flight.
 */
async function runCall(
  { call, ...job }: WorkerRequest,
  abort = new AbortController(),
): Promise<WorkerResponse> {
  const early = abortedEarly.get(call);
  if (early !== undefined) {
    abortedEarly.delete(call);
    abort.abort(early);
  }
  running.set(call, abort);
  let lastCall: Promise<void> | undefined;
  const host: HostChannel = {
    progress: (update) => {
      lastCall = remote.progress(call, update);
    },
    log: (entry) => {
      lastCall = remote.log(call, entry);
    },
  };
  try {
    const response = await runAgent({ ...job, host, signal: abort.signal, workerId: threadId });
    // A port delivers in order, so the last call's reply means all of them arrived.
    if (lastCall && !abort.signal.aborted) await lastCall;
    return response;
  } finally {
    running.delete(call);
  }
}
