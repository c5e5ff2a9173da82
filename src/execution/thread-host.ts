import type { MessagePort } from 'node:worker_threads';
import { expose } from 'comlink';
import type { Piscina } from 'piscina';
import { toComlinkEndpoint } from './comlink-endpoint.js';
import type { InvocationHooks } from './executor.js';
import { type AbortNotice, isHostPortNotice, type ThreadHostChannel } from './protocol.js';

/** Where one call's host calls go. */
export type CallHooks = Pick<InvocationHooks, 'onProgress' | 'onLog'>;

/**
 * The main thread's side of the worker threads' host channels. Each thread hands over one port as it
 * starts; every task it runs then reaches the main thread through it, tagged with the call number the
 * task was sent with. Abort notices go to every thread, since the pool, not the executor, picks the thread.
 */
export class ThreadHost {
  readonly #calls = new Map<number, CallHooks>();
  readonly #ports = new Set<MessagePort>();
  readonly #channel: ThreadHostChannel = {
    progress: (call, update) => this.#calls.get(call)?.onProgress?.(update),
    log: (call, entry) => this.#calls.get(call)?.onLog?.(entry),
  };
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

  /** Asks the agent of an open call to stop, through its `ctx.signal`. */
  abort(call: number, reason: string): void {
    const notice: AbortNotice = { type: 'lingflow:abort', call, reason };
    for (const port of this.#ports) port.postMessage(notice);
  }

  /** Forgets a call: host calls that still arrive for it are dropped. */
  close(call: number): void {
    this.#calls.delete(call);
  }

  #adopt(port: MessagePort): void {
    expose(this.#channel, toComlinkEndpoint(port));
    // Threads keep the process alive while they work; an idle pool's ports must not.
    port.unref();
    this.#ports.add(port);
    port.once('close', () => this.#ports.delete(port));
  }
}
