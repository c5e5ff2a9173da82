import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { QueueWorkerOptions } from '../../../src/distributed/queue-worker.js';

/** The compiled worker entry: beside this file once built, in `dist/` when tests run the TypeScript. */
const script = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.js')
      ? './queue-worker-main.js'
      : '../../../dist/bench/sections/distributed/queue-worker-main.js',
    import.meta.url,
  ),
);

/** A `runQueueWorker` running in a child process of its own, as `lingflow worker` would. */
export class WorkerProcess {
  readonly child: ChildProcess;
  /** Everything it printed, stdout and stderr together. */
  output = '';

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
  }

  /** Starts a worker and waits until it takes jobs. */
  static async start(options: Omit<QueueWorkerOptions, 'onError'>): Promise<WorkerProcess> {
    const worker = WorkerProcess.spawn(options);
    await new Promise<void>((resolve, reject) => {
      worker.child.stdout!.on('data', () => {
        if (worker.output.includes('ready ')) resolve();
      });
      worker.child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${worker.output}`)));
    });
    return worker;
  }

  /** Starts a worker without waiting for it. */
  static spawn(options: Omit<QueueWorkerOptions, 'onError'>): WorkerProcess {
    const child = spawn(process.execPath, [script, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new WorkerProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the exit code once the process has ended. */
  async exited(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited();
  }
}
