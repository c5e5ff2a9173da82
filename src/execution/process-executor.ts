import { Tinypool } from 'tinypool';
import type { AttemptHooks } from './attempt-start.js';
import {
  type Invocation,
  type InvocationHooks,
  type InvocationOutcome,
  jobOf,
  type TaskExecutor,
} from './executor.js';
import type { ProcessAbortNotice, ProcessHostMessage, ProcessRequest } from './process-protocol.js';
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
  /** Attempts under way by request key: a process's IPC messages name their attempt. */
  readonly #attempts = new Map<string, ProcessAttempt>();
  #nextKey = 0;

  constructor(options: ProcessExecutorOptions) {
    this.#options = options;
    this.threads = options.processes;
    this.#cpuPool = this.#createPool(options.processes, 1);
  }

  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    return superviseAttempt(invocation, hooks, (attemptHooks) => {
      const key = String(++this.#nextKey);
      const attempt = new ProcessAttempt(key, attemptHooks, () => this.#attempts.delete(key));
      this.#attempts.set(key, attempt);
      const cooperative = invocation.agent.kind === 'io';
      const request: ProcessRequest = { key, ...jobOf(invocation) };
      return {
        start: (stop) =>
          (cooperative ? this.#ioPoolForUse() : this.#cpuPool).run(request, {
            channel: {
              // Tinypool hands over a sender to the very process that got the task, once it is dispatched.
              onMessage: (send) => attempt.reachedBy(send),
              postMessage: (message: unknown) => this.#route(message),
            },
            // A CPU agent's process is killed on abort; an I/O process is only asked to stop the agent.
            signal: cooperative ? undefined : stop,
          }) as Promise<WorkerResponse>,
        notifyAbort: (reason) => attempt.stop(reason),
        close: () => attempt.close(),
      };
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.#cpuPool.destroy(), this.#ioPool?.destroy()]);
  }

  /** Delivers a process's message to the attempt it names; stray output is dropped. */
  #route(message: unknown): void {
    if (isProcessHostMessage(message)) this.#attempts.get(message.key)?.receive(message);
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

/**
 * One attempt's side of the IPC conversation. A stop notice is held back until the process has said the
 * task started: sent earlier, it could reach a process still loading its modules, where no one listens yet.
 * So an attempt the caller has closed lingers until its held-back notice is sent.
 */
class ProcessAttempt {
  readonly #key: string;
  readonly #hooks: AttemptHooks;
  readonly #forget: () => void;
  #send: ((notice: ProcessAbortNotice) => void) | undefined;
  #started = false;
  #closed = false;
  #stopReason: string | undefined;

  constructor(key: string, hooks: AttemptHooks, forget: () => void) {
    this.#key = key;
    this.#hooks = hooks;
    this.#forget = forget;
  }

  /** The caller is done with the attempt: no more progress or logs; only a held-back stop may still go. */
  close(): void {
    this.#closed = true;
    if (this.#stopReason === undefined || this.#started) this.#forget();
  }

  /** Tinypool dispatched the task: `send` reaches its process. */
  reachedBy(send: (notice: ProcessAbortNotice) => void): void {
    this.#send = send;
  }

  stop(reason: string): void {
    this.#stopReason = reason;
    this.#flushStop();
  }

  receive(message: ProcessHostMessage): void {
    if (message.type === 'lingflow:started') {
      this.#started = true;
      this.#hooks.onStarted();
      this.#flushStop();
      if (this.#closed) this.#forget();
    } else if (this.#closed) return;
    else if (message.type === 'lingflow:progress') this.#hooks.onProgress(message.update);
    else this.#hooks.onLog(message.entry);
  }

  #flushStop(): void {
    if (this.#started && this.#stopReason !== undefined) {
      this.#send?.({ type: 'lingflow:abort', key: this.#key, reason: this.#stopReason });
    }
  }
}
