import type { ResourceLimits } from 'node:worker_threads';
import type { AgentIsolation } from '../types.js';
import type { BatchHooks, Invocation, InvocationHooks, InvocationOutcome, TaskExecutor } from './executor.js';
import { PiscinaExecutor } from './piscina-executor.js';
import { ProcessExecutor } from './process-executor.js';

/** Options of {@link IsolationRouter}. */
export interface IsolationRouterOptions {
  /** CPU tasks that can truly run at once, whatever runs them. */
  threads: number;
  /** Isolation of agents that do not choose one. */
  defaultIsolation: AgentIsolation;
  /** Each factory is called on first use, so a run that never needs processes starts none. */
  executors: Record<AgentIsolation, () => TaskExecutor>;
}

/** Sends each attempt to worker threads or worker processes, as its agent's `isolation` says. */
export class IsolationRouter implements TaskExecutor {
  readonly threads: number;
  readonly #options: IsolationRouterOptions;
  readonly #started = new Map<AgentIsolation, TaskExecutor>();
  #cpuLimit: number | undefined;

  constructor(options: IsolationRouterOptions) {
    this.#options = options;
    this.threads = options.threads;
  }

  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    return this.#executorFor(invocation).execute(invocation, hooks);
  }

  /** Batches go whole to the executor of their first attempt's isolation, if it batches; else one by one. */
  executeBatch(
    batch: readonly Invocation[],
    hooks: BatchHooks,
  ): Promise<PromiseSettledResult<InvocationOutcome>[]> {
    const executor = this.#executorFor(batch[0]!);
    const sameIsolation = batch.every((invocation) => this.#executorFor(invocation) === executor);
    if (executor.executeBatch && sameIsolation) return executor.executeBatch(batch, hooks);
    return Promise.allSettled(
      batch.map((invocation) =>
        this.#executorFor(invocation).execute(invocation, {
          signal: hooks.signal,
          onProgress: (update) => hooks.onProgress?.(invocation.task.id, update),
          onLog: (entry) => hooks.onLog?.(invocation.task.id, entry),
        }),
      ),
    );
  }

  /** Passed on to each executor that takes a limit, now and when it starts; worker processes take none. */
  limitCpu(limit: number): void {
    this.#cpuLimit = limit;
    for (const executor of this.#started.values()) executor.limitCpu?.(limit);
  }

  #executorFor(invocation: Invocation): TaskExecutor {
    const isolation = invocation.agent.isolation ?? this.#options.defaultIsolation;
    let executor = this.#started.get(isolation);
    if (!executor) {
      executor = this.#options.executors[isolation]();
      if (this.#cpuLimit !== undefined) executor.limitCpu?.(this.#cpuLimit);
      this.#started.set(isolation, executor);
    }
    return executor;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#started.values()].map((executor) => executor.close()));
  }
}

/** What {@link createLocalExecutor} needs; the fields mean what the coordinator's options of the same names do. */
export interface LocalExecutorOptions {
  /** CPU tasks at once: worker threads, and worker processes once an agent needs them. */
  maxParallelAgents: number;
  /** I/O tasks at once on the one I/O thread (or process). */
  maxParallelIo: number;
  /** Isolation of agents that do not choose one. */
  isolation: AgentIsolation;
  /** Heap and stack limits of each worker thread; the heap limit also caps each worker process. */
  resourceLimits?: ResourceLimits;
}

/**
 * This machine's executor, as a coordinator runs locally and a queue worker runs its jobs: worker threads,
 * and child processes for agents with `isolation: 'process'`, each pool started on first use.
 */
export function createLocalExecutor(options: LocalExecutorOptions): IsolationRouter {
  const { maxParallelAgents, maxParallelIo, resourceLimits } = options;
  return new IsolationRouter({
    threads: maxParallelAgents,
    defaultIsolation: options.isolation,
    executors: {
      thread: () =>
        new PiscinaExecutor({
          threads: maxParallelAgents,
          ioThreads: 1,
          ioConcurrencyPerThread: maxParallelIo,
          resourceLimits,
        }),
      process: () =>
        new ProcessExecutor({
          processes: maxParallelAgents,
          ioConcurrencyPerProcess: maxParallelIo,
          // A process has no resource limits of its own; its heap ceiling is a V8 flag.
          ...(resourceLimits?.maxOldGenerationSizeMb === undefined
            ? {}
            : {
                execArgv: [
                  ...process.execArgv,
                  `--max-old-space-size=${resourceLimits.maxOldGenerationSizeMb}`,
                ],
              }),
        }),
    },
  });
}
