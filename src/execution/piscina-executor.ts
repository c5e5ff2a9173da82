import type { ResourceLimits } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';
import { expose } from 'comlink';
import { Piscina } from 'piscina';
import { TaskCancelledError, WorkerCrashError } from '../errors.js';
import { toComlinkEndpoint } from './comlink-endpoint.js';
import {
  type BatchHooks,
  type Invocation,
  type InvocationHooks,
  type InvocationOutcome,
  jobOf,
  type TaskExecutor,
} from './executor.js';
import type {
  AbortNotice,
  BatchHostChannel,
  HostChannel,
  WorkerBatchRequest,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js';
import { superviseAttempt, toOutcome } from './supervise-attempt.js';
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

  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    return superviseAttempt(invocation, hooks, () => {
      const channel = new MessageChannel();
      const host: HostChannel = {
        progress: (update) => hooks.onProgress?.(update),
        log: (entry) => hooks.onLog?.(entry),
      };
      expose(host, toComlinkEndpoint(channel.port1));
      const cooperative = invocation.agent.kind === 'io';
      const request: WorkerRequest = { ...jobOf(invocation), port: channel.port2 };
      return {
        start: (stop) =>
          (cooperative ? this.#ioPoolForUse() : this.#cpuPool).run(request, {
            transferList: [channel.port2],
            // A CPU thread is terminated on abort; an I/O thread is only asked to stop, through ctx.signal.
            signal: cooperative ? undefined : stop,
          }) as Promise<WorkerResponse>,
        notifyAbort: (reason) => {
          const notice: AbortNotice = { type: 'lingflow:abort', reason };
          channel.port1.postMessage(notice);
        },
        close: () => channel.port1.close(),
      };
    });
  }

  async executeBatch(
    batch: readonly Invocation[],
    hooks: BatchHooks,
  ): Promise<PromiseSettledResult<InvocationOutcome>[]> {
    const channel = new MessageChannel();
    const host: BatchHostChannel = {
      progress: (taskId, update) => hooks.onProgress?.(taskId, update),
      log: (taskId, entry) => hooks.onLog?.(taskId, entry),
    };
    expose(host, toComlinkEndpoint(channel.port1));
    const request: WorkerBatchRequest = {
      items: batch.map(jobOf),
      port: channel.port2,
    };
    try {
      const responses = (await this.#cpuPool.run(request, {
        name: 'runAgentBatch',
        transferList: [channel.port2],
        signal: hooks.signal,
      })) as WorkerResponse[];
      return batch.map((invocation, position) => {
        try {
          return { status: 'fulfilled', value: toOutcome(responses[position]!, invocation) };
        } catch (reason) {
          return { status: 'rejected', reason };
        }
      });
    } catch (error) {
      const cancelled = hooks.signal.aborted;
      const why = cancelled
        ? String(hooks.signal.reason ?? 'aborted')
        : error instanceof Error
          ? error.message
          : String(error);
      return batch.map(({ task }) => ({
        status: 'rejected',
        reason: cancelled ? new TaskCancelledError(task.id, why) : new WorkerCrashError(task.id, why),
      }));
    } finally {
      channel.port1.close();
    }
  }

  async close(): Promise<void> {
    const pools = this.#ioPool ? [this.#cpuPool, this.#ioPool] : [this.#cpuPool];
    const threads = pools.flatMap((pool) => pool.threads);
    await Promise.all(pools.map((pool) => pool.close({ force: true })));
    // Piscina can resolve before every thread it had has exited; close() means none is left.
    await Promise.all(threads.map((thread) => thread.terminate()));
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
