import type { Worker } from 'node:worker_threads';

/**
 * Counts this process's worker threads that have started and not yet exited, from Node's own `worker`
 * event, so a test can check that closing a coordinator really ended its threads.
 */
export class LiveThreads {
  #alive = new Set<Worker>();
  readonly #onWorker = (worker: Worker) => {
    this.#alive.add(worker);
    worker.once('exit', () => this.#alive.delete(worker));
  };

  constructor() {
    process.on('worker', this.#onWorker);
  }

  /** Threads started since construction that are still running. */
  get count(): number {
    return this.#alive.size;
  }

  /** Stops watching for new threads. */
  stop(): void {
    process.off('worker', this.#onWorker);
  }
}
