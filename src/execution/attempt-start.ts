import { setImmediate } from 'node:timers/promises';
import type { InvocationHooks } from './executor.js';
import type { AgentLogEntry, ProgressUpdate } from './protocol.js';

/** What a transport reports of its attempt: the agent's host calls and, for a queued attempt, its start. */
export interface AttemptHooks {
  onProgress(update: ProgressUpdate): void;
  onLog(entry: AgentLogEntry): void;
  /** A worker took the attempt. Transports must call it for queued attempts; for others it does nothing. */
  onStarted(): void;
}

/**
 * When an attempt starts, as far as anyone is told. An attempt handed straight to a free worker starts at
 * once; a queued one when its transport says a worker took it (transports tell that only once the attempt
 * before it on that worker has settled, so no more attempts are told as running than there are workers).
 * Host calls heard before the start is told wait for it, so nobody hears progress of a task that has not
 * started.
 */
export class AttemptStart {
  /** The hooks to give the transport. */
  readonly hooks: AttemptHooks;
  readonly #queued: boolean;
  readonly #invocationHooks: InvocationHooks;
  readonly #onStart: () => void;
  #started = false;
  #cancelled = false;
  #held: (() => void)[] = [];

  /**
   * @param queued - The attempt waits in the executor's queue until `hooks.onStarted` says a worker took it.
   * @param hooks - The invocation's hooks: host calls go on to them, and a queued start to `onStarted`.
   * @param onStart - Called once, when the start is told (at once when not queued).
   */
  constructor(queued: boolean, hooks: InvocationHooks, onStart: () => void) {
    this.#queued = queued;
    this.#invocationHooks = hooks;
    this.#onStart = onStart;
    this.hooks = {
      onProgress: (update) => this.#whenStarted(() => hooks.onProgress?.(update)),
      onLog: (entry) => this.#whenStarted(() => hooks.onLog?.(entry)),
      onStarted: () => this.#tell(),
    };
    if (!queued) this.#tell();
  }

  /** Whether the start has been told. */
  get started(): boolean {
    return this.#started;
  }

  /**
   * A worker answered: the attempt started, even if its start has not been told yet. It is told a turn
   * later, after the attempt before it on its worker, whose answer came first, has settled.
   */
  async beforeAnswer(): Promise<void> {
    await setImmediate();
    // Even when cancelled meanwhile: an answer means the attempt ran.
    this.#tell(true);
  }

  /**
   * The attempt is being cancelled: a start heard from now on counts as none, since it is stopped at once,
   * unless the worker's answer comes first.
   */
  cancel(): void {
    this.#cancelled = true;
    this.#held = [];
  }

  #tell(evenIfCancelled = false): void {
    if (this.#started || (this.#cancelled && !evenIfCancelled)) return;
    this.#started = true;
    this.#onStart();
    if (this.#queued) this.#invocationHooks.onStarted?.();
    for (const call of this.#held.splice(0)) call();
  }

  #whenStarted(call: () => void): void {
    if (this.#started) call();
    else if (!this.#cancelled) this.#held.push(call);
  }
}
