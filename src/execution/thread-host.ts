import type { MessagePort } from 'node:worker_threads';
import { expose } from 'comlink';
import type { Piscina } from 'piscina';
import { toComlinkEndpoint } from './comlink-endpoint.js';
import type { InvocationHooks } from './executor.js';
import { type AbortNotice, isHostPortNotice, type ThreadHostChannel } from './protocol.js';

/** Where one call's host calls go, and who hears that a thread took its task. */
export type CallHooks = Pick<InvocationHooks, 'onProgress' | 'onLog' | 'onStarted'>;

/**
 * The main thread's side of the worker threads' host channels. Each thread hands over one port as it
 * starts; every task it runs then reaches the main thread through it, tagged with the call number the
 * task was sent with. Abort notices go to every thread, since the pool, not the executor, picks the thread.
 */
export class ThreadHost {
  readonly #calls = new Map<number, CallHooks>();
  /** Stops asked for calls still open: a thread that hands over its port later gets them too. */
  readonly #stops = new Map<number, AbortNotice>();
  readonly #ports = new Set<MessagePort>();
  readonly #channel: ThreadHostChannel = {
    progress: (call, update) => this.#calls.get(call)?.onProgress?.(update),
    log: (call, entry) => this.#calls.get(call)?.onLog?.(entry),
  };
  /** The call each thread was last handed, by thread id. */
  readonly #lastCallOn = new Map<number, number>();
  /** Starts to tell once the call before them on their thread has closed. */
  readonly #afterClose = new Map<number, () => void>();
  #lastCall = 0;

  /** Adopts the host port of every thread `pool` starts, now and later. */
  serve(pool: Piscina): void {
    pool.on('message', (message: unknown) => {
      if (isHostPortNotice(message)) this.#adopt(message.port);
    });
  }

  /** Opens a call: its number goes to the worker with the task. Close it once the task has answered. */
  open(hooks: CallHooks): number {
    const call = ++this.#lastCall;
    this.#calls.set(call, hooks);
    return call;
  }

  /**
   * The pool handed an open call's task to a thread. A queued call's start is told once the call the thread
   * ran before has closed, and its attempt settled (a turn later): its answer may still be on its way
   * through the caller, and nobody may hear of two tasks running on one thread. Other calls were told as
   * they were sent; they are only remembered as the thread's last.
   */
  started(call: number, threadId: number, queued: boolean): void {
    const previous = this.#lastCallOn.get(threadId);
    this.#lastCallOn.set(threadId, call);
    if (!queued) return;
    const tell = () => void setImmediate(() => this.#calls.get(call)?.onStarted?.());
    if (previous !== undefined && this.#calls.has(previous)) this.#afterClose.set(previous, tell);
    else tell();
  }

  /** Threads whose last call is remembered. */
  get trackedThreads(): number {
    return this.#lastCallOn.size;
  }

  /** Forgets threads the pool no longer has, so that a pool that keeps replacing threads does not grow this. */
  keepThreads(threads: readonly { id: number }[]): void {
    if (this.#lastCallOn.size <= threads.length) return;
    const live = new Set(threads.map((thread) => thread.id));
    for (const threadId of this.#lastCallOn.keys())
      if (!live.has(threadId)) this.#lastCallOn.delete(threadId);
  }

  /** Asks the agent of an open call to stop, through its `ctx.signal`. */
  abort(call: number, reason: string): void {
    const notice: AbortNotice = { type: 'lingflow:abort', call, reason };
    this.#stops.set(call, notice);
    for (const port of this.#ports) port.postMessage(notice);
  }

  /**
   * Closes a call: host calls that still arrive for it are dropped. A stop asked for it keeps reaching
   * threads that hand over their port late until `answered` settles, when no thread runs the call any more
   * (omitted: the call has answered already).
   */
  close(call: number, answered?: Promise<unknown>): void {
    this.#calls.delete(call);
    const next = this.#afterClose.get(call);
    if (next !== undefined) {
      this.#afterClose.delete(call);
      next();
    }
    if (answered === undefined || !this.#stops.has(call)) {
      this.#stops.delete(call);
      return;
    }
    const forget = () => this.#stops.delete(call);
    answered.then(forget, forget);
  }

  #adopt(port: MessagePort): void {
    // A thread that loads the worker module with its first task hands over its port after that task left.
    for (const notice of this.#stops.values()) port.postMessage(notice);
    expose(this.#channel, toComlinkEndpoint(port));
    // Threads keep the process alive while they work; an idle pool's ports must not.
    port.unref();
    this.#ports.add(port);
    port.once('close', () => this.#ports.delete(port));
  }
}
