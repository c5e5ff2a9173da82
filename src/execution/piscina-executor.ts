import type { ResourceLimits } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';
import { expose } from 'comlink';
import { Piscina } from 'piscina';
import {
  AgentError,
  AgentLoadError,
  TaskCancelledError,
  TaskTimeoutError,
  WorkerCrashError,
} from '../errors.js';
import { toComlinkEndpoint } from './comlink-endpoint.js';
import type { Invocation, InvocationHooks, InvocationOutcome, TaskExecutor } from './executor.js';
import type { AbortNotice, HostChannel, WorkerRequest, WorkerResponse } from './protocol.js';
import { workerUrl } from './worker-url.js';

/** Options of {@link PiscinaExecutor}. */
export interface PiscinaExecutorOptions {
  /** Worker threads for CPU agents; they are started up front so the first tasks do not pay for it. */
  threads: number;
  /** Tasks one I/O thread runs at once. */
  ioConcurrencyPerThread?: number;
  /** Threads for I/O agents, started on first use. */
  ioThreads?: number;
  /** Heap and stack limits of each worker thread. */
  resourceLimits?: ResourceLimits;
}

/**
 * Runs attempts on Piscina worker threads. CPU agents get a pool with one task per thread, where a timeout
 * or cancel terminates the thread (the only way to stop a busy loop) and Piscina replaces it. I/O agents
 * get a separate pool that runs many tasks per thread; they are stopped cooperatively through
 * `ctx.signal`, since terminating their thread would kill their neighbours too.
 */
export class PiscinaExecutor implements TaskExecutor {
  readonly threads: number;
  readonly #cpuPool: Piscina;
  #ioPool: Piscina | undefined;
  readonly #options: PiscinaExecutorOptions;

  constructor(options: PiscinaExecutorOptions) {
    this.#options = options;
    this.threads = options.threads;
    this.#cpuPool = this.#createPool(options.threads, 1);
  }

  async execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    const { task, agent, timeoutMs } = invocation;
    if (hooks.signal.aborted) throw new TaskCancelledError(task.id, String(hooks.signal.reason ?? 'aborted'));

    const channel = new MessageChannel();
    const host: HostChannel = {
      progress: (update) => hooks.onProgress?.(update),
      log: (entry) => hooks.onLog?.(entry),
    };
    expose(host, toComlinkEndpoint(channel.port1));

    const cooperative = agent.kind === 'io';
    const stop = new AbortController();
    let stopReason: 'timeout' | 'cancel' | undefined;
    const interrupt = (why: 'timeout' | 'cancel', reason: string) => {
      if (stopReason) return;
      stopReason = why;
      const notice: AbortNotice = { type: 'lingflow:abort', reason };
      channel.port1.postMessage(notice);
      stop.abort(reason);
    };
    const onCancel = () => interrupt('cancel', String(hooks.signal.reason ?? 'aborted'));
    hooks.signal.addEventListener('abort', onCancel, { once: true });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => interrupt('timeout', `timed out after ${timeoutMs} ms`), timeoutMs);

    const request: WorkerRequest = { task, agent, port: channel.port2 };
    const pool = cooperative ? this.#ioPoolForUse() : this.#cpuPool;
    const run = pool.run(request, {
      transferList: [channel.port2],
      // A CPU thread is terminated on abort; an I/O thread is only asked to stop, through ctx.signal.
      signal: cooperative ? undefined : stop.signal,
    }) as Promise<WorkerResponse>;
    const stopped = new Promise<never>((_, reject) => {
      stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
    });
    try {
      const response = await Promise.race([run, stopped]);
      return toOutcome(response, invocation);
    } catch (error) {
      if (stopReason === 'timeout') throw new TaskTimeoutError(task.id, timeoutMs!);
      if (stopReason === 'cancel')
        throw new TaskCancelledError(task.id, String(hooks.signal.reason ?? 'aborted'));
      if (error instanceof AgentError || error instanceof AgentLoadError) throw error;
      throw new WorkerCrashError(task.id, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
      hooks.signal.removeEventListener('abort', onCancel);
      run.catch(() => {});
      channel.port1.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#cpuPool.close({ force: true }), this.#ioPool?.close({ force: true })]);
  }

  #ioPoolForUse(): Piscina {
    this.#ioPool ??= this.#createPool(
      this.#options.ioThreads ?? 1,
      this.#options.ioConcurrencyPerThread ?? 16,
    );
    return this.#ioPool;
  }

  #createPool(threads: number, tasksPerThread: number): Piscina {
    return new Piscina({
      filename: workerUrl('agent-worker').href,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: tasksPerThread,
      // Threads that run several async tasks must keep their event loop free between messages.
      atomics: tasksPerThread > 1 ? 'disabled' : 'sync',
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: this.#options.resourceLimits,
    });
  }
}

function toOutcome(response: WorkerResponse, { task, agent }: Invocation): InvocationOutcome {
  if (response.ok)
    return { output: response.output, outputFiles: response.outputFiles, workerId: response.workerId };
  switch (response.cause) {
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
