import { Tinypool } from 'tinypool';
import {
  type Invocation,
  type InvocationHooks,
  type InvocationOutcome,
  jobOf,
  type TaskExecutor,
} from './executor.js';
import type { ProcessAbortNotice, ProcessRequest } from './process-protocol.js';
import { isProcessHostMessage } from './process-protocol.js';
import type { WorkerResponse } from './protocol.js';
import { superviseAttempt } from './supervise-attempt.js';
import { workerUrl } from './worker-url.js';

/** Options of {@link ProcessExecutor}. */
export interface ProcessExecutorOptions {
  /** Worker processes for CPU agents, one task each at a time; started up front. */
  processes: number;
  /** Tasks one I/O process runs at once. */
  ioConcurrencyPerProcess?: number;
  /** Processes for I/O agents, started on first use. */
  ioProcesses?: number;
  /** Node options of each worker process, e.g. `['--max-old-space-size=512']`. Default: this process's. */
  execArgv?: string[];
}

/**
 * Runs attempts in child processes through Tinypool's child_process runtime, for agents that cannot live in a
 * worker thread (native addons that are not thread-safe, code that may take the process down). Semantics
 * match {@link PiscinaExecutor}: a timeout or cancel kills a CPU agent's process and Tinypool starts another;
 * I/O agents share processes and are stopped through `ctx.signal`; a process that dies fails its task with
 * `WorkerCrashError`. Values cross the process boundary with structured clone ("advanced" serialization).
 */
export class ProcessExecutor implements TaskExecutor {
  readonly threads: number;
  readonly #options: ProcessExecutorOptions;
  readonly #cpuPool: Tinypool;
  #ioPool: Tinypool | undefined;
  /** Hooks of running attempts by request key: a process's IPC messages name their attempt. */
  readonly #hooks = new Map<string, InvocationHooks>();
  #nextKey = 0;

  constructor(options: ProcessExecutorOptions) {
    this.#options = options;
    this.threads = options.processes;
    this.#cpuPool = this.#createPool(options.processes, 1);
  }

  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    return superviseAttempt(invocation, hooks, () => {
      const key = String(++this.#nextKey);
      this.#hooks.set(key, hooks);
      const cooperative = invocation.agent.kind === 'io';
      const request: ProcessRequest = { key, ...jobOf(invocation) };
      // Tinypool hands us a sender to the very process that got the task once it is dispatched.
      let sendToProcess: ((message: ProcessAbortNotice) => void) | undefined;
      return {
        start: (stop) =>
          (cooperative ? this.#ioPoolForUse() : this.#cpuPool).run(request, {
            channel: {
              onMessage: (send) => {
                sendToProcess = send;
              },
              postMessage: (message: unknown) => this.#route(message),
            },
            // A CPU agent's process is killed on abort; an I/O process is only asked to stop the agent.
            signal: cooperative ? undefined : stop,
          }) as Promise<WorkerResponse>,
        notifyAbort: (reason) => sendToProcess?.({ type: 'lingflow:abort', key, reason }),
        close: () => this.#hooks.delete(key),
      };
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.#cpuPool.destroy(), this.#ioPool?.destroy()]);
  }

  /** Delivers a process's progress or log line to the attempt it names; stray output is dropped. */
  #route(message: unknown): void {
    if (!isProcessHostMessage(message)) return;
    const hooks = this.#hooks.get(message.key);
    if (message.type === 'lingflow:progress') hooks?.onProgress?.(message.update);
    else hooks?.onLog?.(message.entry);
  }

  #ioPoolForUse(): Tinypool {
    this.#ioPool ??= this.#createPool(
      this.#options.ioProcesses ?? 1,
      this.#options.ioConcurrencyPerProcess ?? 16,
    );
    return this.#ioPool;
  }

  #createPool(processes: number, tasksPerProcess: number): Tinypool {
    return new Tinypool({
      runtime: 'child_process',
      filename: workerUrl('agent-process').href,
      minThreads: processes,
      maxThreads: processes,
      concurrentTasksPerWorker: tasksPerProcess,
      idleTimeout: Number.POSITIVE_INFINITY,
      serialization: 'advanced',
      // Tinypool gives a child only the variables it is told of; agents expect the usual environment.
      env: Object.fromEntries(
        Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      ...(this.#options.execArgv ? { execArgv: this.#options.execArgv } : {}),
    });
  }
}
