import type { ResourceLimits, Worker } from 'node:worker_threads';
import { Piscina, queueOptionsSymbol } from 'piscina';
import { TaskCancelledError, WorkerCrashError } from '../errors.js';
import {
  type BatchHooks,
  type Invocation,
  type InvocationHooks,
  type InvocationOutcome,
  jobOf,
  type TaskExecutor,
} from './executor.js';
import type { WorkerBatchRequest, WorkerRequest, WorkerResponse } from './protocol.js';
import { superviseAttempt, toOutcome } from './supervise-attempt.js';
import { ThreadHost } from './thread-host.js';
import { workerUrl } from './worker-url.js';

/** A task's call, where Piscina shows its balancer the task's queue options. */
interface PoolTaskTag {
  [queueOptionsSymbol]: { call: number; queued: boolean };
}
/** Piscina's balancer type, which its package does not export by name. */
type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;

/** How long close() lets running attempts finish before terminating their threads. */
const CLOSE_GRACE_MS = 100;

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
 * `ctx.signal`, since terminating their thread would kill their neighbours too. A queued attempt waits in
 * Piscina's queue until the next thread frees up; it starts when Piscina's balancer hands it to that thread.
 */
export class PiscinaExecutor implements TaskExecutor {
  readonly threads: number;
  readonly #cpuPool: Piscina;
  #ioPool: Piscina | undefined;
  readonly #host = new ThreadHost();
  readonly #options: PiscinaExecutorOptions;
  /** Every thread the pools have started and that has not exited yet, with its exit. */
  readonly #running = new Map<Worker, Promise<void>>();
  /** CPU attempts run at once at most: the threads, unless {@link limitCpu} says fewer. */
  #cpuLimit: number;

  constructor(options: PiscinaExecutorOptions) {
    this.#options = options;
    this.threads = options.threads;
    this.#cpuLimit = options.threads;
    this.#cpuPool = this.#createPool(options.threads, 1);
  }

  /**
   * The balancer holds attempts back from idle threads while `limit` run. A raised limit lets a waiting
   * attempt start when Piscina next hands out work: on the next attempt given or finished.
   */
  limitCpu(limit: number): void {
    this.#cpuLimit = limit;
  }

  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    return superviseAttempt(invocation, hooks, (attemptHooks) => {
      const call = this.#host.open(attemptHooks);
      const cooperative = invocation.agent.kind === 'io';
      // The key is a symbol, so it stays here: the balancer reads it as it hands the task to a thread.
      const request: WorkerRequest & PoolTaskTag = {
        task: invocation.task,
        agent: invocation.agent,
        compression: invocation.compression,
        call,
        [queueOptionsSymbol]: { call, queued: invocation.queued === true },
      };
      let answered: Promise<unknown> | undefined;
      return {
        start: (stop) => {
          const run: Promise<WorkerResponse> = (cooperative ? this.#ioPoolForUse() : this.#cpuPool).run(
            request,
            // A CPU thread is terminated on abort; an I/O thread is only asked to stop, through ctx.signal.
            { signal: cooperative ? undefined : stop },
          );
          answered = run;
          return run;
        },
        notifyAbort: (reason) => this.#host.abort(call, reason),
        close: () => this.#host.close(call, answered),
      };
    });
  }

  async executeBatch(
    batch: readonly Invocation[],
    hooks: BatchHooks,
  ): Promise<PromiseSettledResult<InvocationOutcome>[]> {
    const items = batch.map(
      (invocation): WorkerRequest => ({
        ...jobOf(invocation),
        call: this.#host.open({
          onProgress: (update) => hooks.onProgress?.(invocation.task.id, update),
          onLog: (entry) => hooks.onLog?.(invocation.task.id, entry),
        }),
      }),
    );
    const request: WorkerBatchRequest = { items };
    try {
      const responses = (await this.#cpuPool.run(request, {
        name: 'runAgentBatch',
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
      for (const { call } of items) this.#host.close(call);
    }
  }

  async close(): Promise<void> {
    const pools = this.#ioPool ? [this.#cpuPool, this.#ioPool] : [this.#cpuPool];
    await Promise.all(pools.map((pool) => pool.close({ force: true })));
    // close() means no thread is left. A thread that failed just before is out of its pool but may not have
    // exited yet, and Piscina starts a replacement when it does, even after closing: wait for every thread
    // started to exit, and destroy (terminate without replacing) what the pools hold, until neither is left.
    while (this.#running.size > 0 || pools.some((pool) => pool.threads.length > 0)) {
      await Promise.all(pools.map((pool) => pool.destroy()));
      await Promise.all(this.#running.values());
    }
  }

  /** Watches the pool's threads that are new: each is forgotten once it has exited. */
  #watchThreads(pool: Piscina): void {
    for (const thread of pool.threads) {
      if (this.#running.has(thread)) continue;
      // Not events.once: a thread that fails emits 'error' before 'exit', which would reject it.
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      this.#running.set(
        thread,
        exited.then(() => void this.#running.delete(thread)),
      );
    }
  }

  /**
   * Piscina's least-busy choice for one task per thread, within the CPU limit, which also tells the task's
   * call that it starts: a task queued in the pool leaves the queue here, as a thread frees up, with no
   * message from the thread.
   */
  readonly #firstFreeThread: LoadBalancer = (task, workers) => {
    let free: (typeof workers)[number] | null = null;
    let busy = 0;
    for (const worker of workers) {
      if (worker.currentUsage > 0) busy++;
      else free ??= worker;
    }
    if (busy >= this.#cpuLimit) free = null;
    const tag = task[queueOptionsSymbol] as PoolTaskTag[typeof queueOptionsSymbol] | null;
    if (free !== null && tag !== null) {
      this.#host.started(tag.call, free.id, tag.queued);
      this.#host.keepThreads(workers);
    }
    return free;
  };

  #ioPoolForUse(): Piscina {
    this.#ioPool ??= this.#createPool(
      this.#options.ioThreads ?? 1,
      this.#options.ioConcurrencyPerThread ?? 16,
    );
    return this.#ioPool;
  }

  #createPool(threads: number, tasksPerThread: number): Piscina {
    const pool = new Piscina({
      ...(tasksPerThread === 1 ? { loadBalancer: this.#firstFreeThread } : {}),
      filename: workerUrl('agent-worker').href,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: tasksPerThread,
      // Threads that run several async tasks must keep their event loop free between messages.
      atomics: tasksPerThread > 1 ? 'disabled' : 'sync',
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: this.#options.resourceLimits,
      // By close() every attempt has been cancelled; one still running ignores its signal (an I/O agent can),
      // so closing waits only briefly before terminating its thread.
      closeTimeout: CLOSE_GRACE_MS,
    });
    // Piscina reports the grace running out, and a thread failing outside any task, as pool errors; the
    // affected tasks have failed already, and an unheard 'error' event would crash the process.
    pool.on('error', () => {});
    // A thread is watched from when it is ready: only a ready thread's exit makes Piscina replace it.
    pool.on('workerCreate', () => this.#watchThreads(pool));
    this.#host.serve(pool);
    return pool;
  }
}
