import type { ConcurrencyController, ControllerDecision, ControllerState } from './concurrency-controller.js';
import type { CpuSnapshot } from './machine-readings.js';
import { cpuUsageBetween, takeCpuSnapshot } from './machine-readings.js';

/** Default length of one control interval of `maxParallelAgents: 'auto'`. */
export const DEFAULT_CONTROL_INTERVAL_MS = 500;

/** What {@link LiveParallelism} drives and reads. */
export interface LiveParallelismOptions {
  controller: ConcurrencyController;
  intervalMs: number;
  /** Applies a new CPU-task limit to every running workflow. */
  applyLimit(limit: number): void;
  /** Whether CPU tasks are waiting for a slot right now. */
  tasksWaiting(): boolean;
  /** Hears every decision, including `hold`. */
  onDecision(decision: ControllerDecision): void;
}

/**
 * The real-time side of 'auto': every interval it samples CPU use (`os.cpus()` for the machine,
 * `process.cpuUsage()` for this process) and the CPU tasks completed since the last tick, hands them to the
 * pure {@link ConcurrencyController}, and applies the limit it returns. It ticks only while workflows run.
 */
export class LiveParallelism {
  readonly #options: LiveParallelismOptions;
  /** Weight of one completion per agent type, fixed at its first completion (see {@link recordCompletion}). */
  readonly #weights = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #snapshot: CpuSnapshot | undefined;
  #completions = 0;
  #work = 0;
  #waited = false;

  constructor(options: LiveParallelismOptions) {
    this.#options = options;
  }

  /** The controller's current limit. */
  get limit(): number {
    return this.#options.controller.limit;
  }

  /** The controller's state, for status displays. */
  get state(): ControllerState {
    return this.#options.controller.state;
  }

  /** Starts ticking, if not already. */
  start(): void {
    if (this.#timer) return;
    this.#resetInterval();
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs);
    // A forgotten coordinator must not keep the process alive.
    this.#timer.unref();
  }

  /** Stops ticking; the controller keeps what it learned for the next workflow. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Counts a completed CPU task. Its weight is the duration of the first completion of its agent type, kept
   * fixed: durations stretch when the CPU is contended, and a weight that followed them would hide the very
   * slowdown the controller measures.
   */
  recordCompletion(agentType: string, durationMs: number): void {
    let weight = this.#weights.get(agentType);
    if (weight === undefined) {
      weight = Math.max(durationMs, 1);
      this.#weights.set(agentType, weight);
    }
    this.#completions++;
    this.#work += weight;
    this.#waited ||= this.#options.tasksWaiting();
  }

  #tick(): void {
    const snapshot = takeCpuSnapshot();
    const previous = this.#snapshot!;
    const decision = this.#options.controller.observe({
      intervalMs: snapshot.atMs - previous.atMs,
      completions: this.#completions,
      completedWork: this.#work,
      foreignCores: cpuUsageBetween(previous, snapshot).foreignCores,
      saturated: this.#waited || this.#options.tasksWaiting(),
    });
    this.#resetInterval(snapshot);
    if (decision.limit !== decision.previousLimit) this.#options.applyLimit(decision.limit);
    this.#options.onDecision(decision);
  }

  #resetInterval(snapshot = takeCpuSnapshot()): void {
    this.#snapshot = snapshot;
    this.#completions = 0;
    this.#work = 0;
    this.#waited = false;
  }
}
