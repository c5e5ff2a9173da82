import type { TaskGraph } from '../graph/task-graph.js';
import type { FailurePolicy, TaskStatus } from '../types.js';
import type { DispatchOrder } from './dispatch-order.js';
import { IndexHeap } from './index-heap.js';

/** Where a task is in its life: waiting, running, or one of the final {@link TaskStatus} values. */
export type TaskPhase = 'blocked' | 'ready' | 'retrying' | 'running' | TaskStatus;

/** How an attempt that did not complete ended. */
export type AttemptFailure = 'failed' | 'timed_out' | 'cancelled';

/** Concurrency limits by agent kind: CPU tasks share the worker threads; I/O tasks may overlap further. */
export interface ConcurrencyLimits {
  cpu: number;
  io: number;
}

/**
 * Slots by kind, with how many are in use. Workflows that share one pool of workers share one of these,
 * so together they never run more than its limits; the scheduler only reads and counts, it never waits.
 */
export interface SlotPool {
  /** Slots by kind: `[cpu, io]`. */
  readonly limit: [number, number];
  /** Slots in use by kind: `[cpu, io]`, counting attempts queued ahead. */
  readonly used: [number, number];
  /**
   * CPU attempts that may be handed out beyond the limit, for the executor to queue until a thread frees
   * up (see {@link Dispatch.queued}). Only an executor that never runs more than `limit` CPU attempts at
   * once may be given any. Workflows with dependencies never use them: a task that becomes ready would
   * wait behind attempts queued before it, whatever its priority and critical path.
   */
  readonly cpuAhead: number;
}

/** A slot pool with nothing in use, which may queue `cpuAhead` CPU attempts ahead of the limit. */
export function createSlotPool(limits: ConcurrencyLimits, cpuAhead = 0): SlotPool {
  return { limit: [limits.cpu, limits.io], used: [0, 0], cpuAhead };
}

/** Kind of each task, as stored by the scheduler. */
export const CPU_TASK = 0;
/** Kind of each task, as stored by the scheduler. */
export const IO_TASK = 1;

/**
 * Changes one limit of a slot pool (at least 1); slots in use are never taken back, new tasks start only below
 * the limit.
 */
export function setSlotLimit(slots: SlotPool, kind: keyof ConcurrencyLimits, limit: number): void {
  slots.limit[kind === 'cpu' ? CPU_TASK : IO_TASK] = Math.max(1, Math.floor(limit));
}

/** Receives every state change, synchronously, in the order they happen. */
export interface SchedulerObserver {
  /**
   * The task was dispatched: it holds a slot from now on, and its driver hands it to a worker, or to the
   * executor's queue when `queued`.
   */
  taskStarted?(index: number, attempt: number, now: number, queued: boolean): void;
  taskRetrying?(index: number, nextAttempt: number, retryAt: number, error: string): void;
  taskSettled?(index: number, status: TaskStatus, now: number, error?: string): void;
  /** The workflow was halted; the driver must interrupt these running tasks. */
  halted?(reason: string, running: readonly number[]): void;
}

/** Everything the scheduler needs to know about a workflow. */
export interface SchedulerCoreOptions {
  graph: TaskGraph;
  order: DispatchOrder;
  /** {@link CPU_TASK} or {@link IO_TASK} per task; all CPU when omitted. */
  kinds?: ArrayLike<number>;
  /** Retries + 1, per task. */
  maxAttempts: ArrayLike<number>;
  limits: ConcurrencyLimits;
  /** Slots shared with other workflows; `limits` are ignored when given. Default: slots of its own. */
  slots?: SlotPool;
  failurePolicy: FailurePolicy;
  /** Delay before the next attempt, given the number of the attempt that just failed (1-based). */
  retryDelayMs: (failedAttempt: number) => number;
  /** Lets one slot take several small tasks at once; without it every task has a slot of its own. */
  batching?: BatchingRule;
  observer?: SchedulerObserver;
}

/**
 * When tasks are tiny, sending each to a worker costs more than running it. A slot may then take a run of
 * consecutive ready tasks that are all `eligible`, up to `maxSize`, and never more than its share of the
 * ready queue, so the other slots still get work.
 */
export interface BatchingRule {
  maxSize: number;
  eligible(index: number): boolean;
}

/** A task to start now, which attempt this is (1-based), and the slot (batch) it shares with others. */
export interface Dispatch {
  index: number;
  attempt: number;
  /** Tasks with the same batch number were dispatched together into one slot. */
  batch: number;
  /**
   * Dispatched beyond the limit ({@link SlotPool.cpuAhead}): the executor holds it until a thread frees up,
   * so that thread starts it without waiting for the driver. Never a batch.
   */
  queued: boolean;
}

const PHASES: readonly TaskPhase[] = [
  'blocked',
  'ready',
  'retrying',
  'running',
  'completed',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
];
const BLOCKED = 0;
const READY = 1;
const RETRYING = 2;
const RUNNING = 3;
const FIRST_FINAL = 4;
const phaseCode = (phase: TaskPhase) => PHASES.indexOf(phase);

const FAILURE_WORDS: Readonly<Record<AttemptFailure | 'skipped', string>> = {
  failed: 'failed',
  timed_out: 'timed out',
  cancelled: 'was cancelled',
  skipped: 'was skipped',
};

/**
 * The scheduler's state machine: which tasks are blocked, ready, running or settled, and which to start
 * next. It holds no timers, threads or I/O: a driver calls it with the current time (real or virtual) and
 * executes what it hands out, so the live coordinator, the planner and the property tests share one
 * code path.
 *
 * Rules: a task is ready when all its dependencies completed; ready tasks start in {@link DispatchOrder};
 * a failed or timed-out attempt is retried after a delay while attempts remain; a task that fails for
 * good skips its dependents (`continue`) or halts the workflow (`fail-fast`).
 */
export class SchedulerCore {
  readonly graph: TaskGraph;
  readonly #options: SchedulerCoreOptions;
  readonly #phase: Uint8Array;
  readonly #waitingOn: Int32Array;
  readonly #attempts: Uint32Array;
  readonly #retryAt = new Map<number, number>();
  readonly #queues: [IndexHeap, IndexHeap];
  readonly #running = [0, 0];
  readonly #slots: SlotPool;
  readonly #phaseCounts = new Int32Array(PHASES.length);
  readonly #runningTasks = new Set<number>();
  /** Batch (slot) of each running task, and how many of each batch's tasks are still running. */
  readonly #batchOf: Int32Array;
  readonly #batchRunning = new Map<number, number>();
  /** Without dependencies every task is ready from the start, so nothing can overtake an attempt queued ahead. */
  readonly #mayQueueAhead: boolean;
  #nextBatch = 0;
  #settled = 0;
  #haltReason: string | undefined;

  constructor(options: SchedulerCoreOptions) {
    const { graph } = options;
    this.graph = graph;
    this.#options = options;
    this.#slots = options.slots ?? createSlotPool(options.limits);
    this.#phase = new Uint8Array(graph.size);
    this.#attempts = new Uint32Array(graph.size);
    this.#batchOf = new Int32Array(graph.size);
    this.#waitingOn = Int32Array.from(graph.dependencies, (list) => list.length);
    const before = (a: number, b: number) => this.#before(a, b);
    this.#queues = [new IndexHeap(before), new IndexHeap(before)];
    this.#mayQueueAhead = graph.dependencies.every((list) => list.length === 0);
    this.#phaseCounts[BLOCKED] = graph.size;
    for (let index = 0; index < graph.size; index++) {
      if (this.#waitingOn[index] === 0) this.#makeReady(index);
    }
  }

  /** `true` once every task has a final status. */
  get finished(): boolean {
    return this.#settled === this.graph.size;
  }

  /** Why the workflow was halted (fail-fast or abort), if it was. */
  get haltReason(): string | undefined {
    return this.#haltReason;
  }

  /** The current phase of one task. */
  phaseOf(index: number): TaskPhase {
    return PHASES[this.#phase[index]!]!;
  }

  /** The tasks running now, in the order they started; status calls read this instead of every phase. */
  runningTasks(): number[] {
    return [...this.#runningTasks];
  }

  /** Attempts started so far for one task. */
  attemptsOf(index: number): number {
    return this.#attempts[index]!;
  }

  /** How many tasks are in each phase. */
  phaseCounts(): Record<TaskPhase, number> {
    const counts = {} as Record<TaskPhase, number>;
    PHASES.forEach((phase, code) => {
      counts[phase] = this.#phaseCounts[code]!;
    });
    return counts;
  }

  /** Busy slots by kind (a batch of small tasks fills one slot). */
  get running(): ConcurrencyLimits {
    return { cpu: this.#running[CPU_TASK]!, io: this.#running[IO_TASK]! };
  }

  get limits(): ConcurrencyLimits {
    return { cpu: this.#slots.limit[CPU_TASK], io: this.#slots.limit[IO_TASK] };
  }

  /**
   * Changes a concurrency limit (of the shared slot pool, if any); running tasks are never stopped, new
   * ones start only below the limit.
   */
  setLimit(kind: keyof ConcurrencyLimits, limit: number): void {
    setSlotLimit(this.#slots, kind, limit);
  }

  /** When the earliest retry falls due, if any is waiting. */
  nextWakeAt(): number | undefined {
    let earliest: number | undefined;
    for (const at of this.#retryAt.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  /**
   * Marks the best ready tasks as running, one slot at a time up to the limits (and up to
   * {@link SlotPool.cpuAhead} CPU attempts beyond, marked `queued`), and returns them for the driver to
   * execute. With a {@link BatchingRule}, a slot may take several eligible tasks.
   */
  dispatch(now: number): Dispatch[] {
    this.#wakeRetries(now);
    const started: Dispatch[] = [];
    for (let kind = this.#nextKind(); kind !== undefined; kind = this.#nextKind()) {
      const batch = this.#nextBatch++;
      const queued = this.#slots.used[kind]! >= this.#slots.limit[kind]!;
      const members = queued ? [this.#queues[kind]!.pop()!] : this.#takeBatch(this.#queues[kind]!);
      this.#running[kind]!++;
      this.#slots.used[kind]!++;
      this.#batchRunning.set(batch, members.length);
      for (const index of members) {
        this.#setPhase(index, RUNNING);
        this.#batchOf[index] = batch;
        const attempt = ++this.#attempts[index]!;
        started.push({ index, attempt, batch, queued });
        this.#options.observer?.taskStarted?.(index, attempt, now, queued);
      }
    }
    return started;
  }

  #takeBatch(queue: IndexHeap): number[] {
    const first = queue.pop()!;
    const rule = this.#options.batching;
    if (!rule?.eligible(first)) return [first];
    const share = Math.ceil((queue.size + 1) / Math.max(1, this.#slots.limit[this.#kindOf(first)]!));
    const size = Math.min(rule.maxSize, share);
    const members = [first];
    while (members.length < size && queue.size > 0 && rule.eligible(queue.peek()!))
      members.push(queue.pop()!);
    return members;
  }

  /** Records that a running task completed, and readies the dependents it was the last to wait for. */
  succeed(index: number, now: number): void {
    this.#leaveRunning(index);
    this.#settle(index, 'completed', now);
    for (const dependent of this.graph.dependents[index]!) {
      if (--this.#waitingOn[dependent]! === 0 && this.#phase[dependent] === BLOCKED)
        this.#makeReady(dependent);
    }
  }

  /**
   * Records that a running attempt did not complete. It is retried while attempts remain, unless it was
   * cancelled or the workflow is halted; otherwise the failure is final and the failure policy applies.
   */
  fail(index: number, now: number, failure: AttemptFailure, error: string): void {
    this.#leaveRunning(index);
    const attempts = this.#attempts[index]!;
    if (
      failure !== 'cancelled' &&
      this.#haltReason === undefined &&
      attempts < this.#options.maxAttempts[index]!
    ) {
      const retryAt = now + this.#options.retryDelayMs(attempts);
      this.#setPhase(index, RETRYING);
      this.#retryAt.set(index, retryAt);
      this.#options.observer?.taskRetrying?.(index, attempts + 1, retryAt, error);
      return;
    }
    this.#settle(index, failure, now, error);
    if (this.#haltReason !== undefined) return;
    if (this.#options.failurePolicy === 'fail-fast') {
      this.halt(`fail-fast after task "${this.graph.ids[index]}" ${FAILURE_WORDS[failure]}`, now);
    } else {
      this.#skipDependents(index, failure, now);
    }
  }

  /**
   * Stops the workflow: every task not yet started is cancelled. Returns the running tasks, which the
   * driver must interrupt and then report through {@link fail} (or {@link succeed} if they finished first).
   */
  halt(reason: string, now: number): number[] {
    if (this.#haltReason === undefined) this.#haltReason = reason;
    this.#retryAt.clear();
    this.#queues.forEach((queue) => {
      queue.drain();
    });
    const running: number[] = [];
    for (let index = 0; index < this.graph.size; index++) {
      const phase = this.#phase[index]!;
      if (phase === RUNNING) running.push(index);
      else if (phase < FIRST_FINAL) this.#settle(index, 'cancelled', now, `cancelled: ${reason}`);
    }
    this.#options.observer?.halted?.(reason, running);
    return running;
  }

  #nextKind(): number | undefined {
    let best: number | undefined;
    for (const kind of [CPU_TASK, IO_TASK]) {
      const head = this.#queues[kind]!.peek();
      if (head === undefined || !this.#hasSlotFor(kind, head)) continue;
      if (best === undefined || this.#before(head, this.#queues[best]!.peek()!)) best = kind;
    }
    return best;
  }

  /**
   * A slot below the limit, or for a CPU task one of the slots ahead of it. Tasks small enough to batch
   * are never queued ahead: batching already spares them the wait between messages.
   */
  #hasSlotFor(kind: number, head: number): boolean {
    const { used, limit, cpuAhead } = this.#slots;
    if (used[kind]! < limit[kind]!) return true;
    return (
      kind === CPU_TASK &&
      this.#mayQueueAhead &&
      used[kind]! < limit[kind]! + cpuAhead &&
      !this.#options.batching?.eligible(head)
    );
  }

  #before(a: number, b: number): boolean {
    const { priorityClass, urgency } = this.#options.order;
    if (priorityClass[a] !== priorityClass[b]) return priorityClass[a]! > priorityClass[b]!;
    if (urgency[a] !== urgency[b]) return urgency[a]! > urgency[b]!;
    return a < b;
  }

  #kindOf(index: number): number {
    return this.#options.kinds?.[index] === IO_TASK ? IO_TASK : CPU_TASK;
  }

  #makeReady(index: number): void {
    this.#setPhase(index, READY);
    this.#queues[this.#kindOf(index)]!.push(index);
  }

  #wakeRetries(now: number): void {
    for (const [index, at] of this.#retryAt) {
      if (at > now) continue;
      this.#retryAt.delete(index);
      this.#makeReady(index);
    }
  }

  #leaveRunning(index: number): void {
    if (this.#phase[index] !== RUNNING) {
      throw new Error(`scheduler: task "${this.graph.ids[index]}" is ${this.phaseOf(index)}, not running`);
    }
    const batch = this.#batchOf[index]!;
    const stillRunning = this.#batchRunning.get(batch)! - 1;
    if (stillRunning > 0) {
      this.#batchRunning.set(batch, stillRunning);
      return;
    }
    this.#batchRunning.delete(batch);
    const kind = this.#kindOf(index);
    this.#running[kind]!--;
    this.#slots.used[kind]!--;
  }

  #setPhase(index: number, code: number): void {
    if (this.#phase[index] === RUNNING) this.#runningTasks.delete(index);
    else if (code === RUNNING) this.#runningTasks.add(index);
    this.#phaseCounts[this.#phase[index]!]!--;
    this.#phaseCounts[code]!++;
    this.#phase[index] = code;
  }

  #settle(index: number, status: TaskStatus, now: number, error?: string): void {
    this.#setPhase(index, phaseCode(status));
    this.#settled++;
    this.#options.observer?.taskSettled?.(index, status, now, error);
  }

  /** A dependent of a failed task can only be blocked: it skips, and so does everything behind it. */
  #skipDependents(root: number, failure: AttemptFailure, now: number): void {
    const rootId = this.graph.ids[root];
    const stack = [root];
    while (stack.length > 0) {
      const index = stack.pop()!;
      for (const dependent of this.graph.dependents[index]!) {
        if (this.#phase[dependent] !== BLOCKED) continue;
        const reason =
          index === root
            ? `skipped: dependency "${rootId}" ${FAILURE_WORDS[failure]}`
            : `skipped: dependency "${this.graph.ids[index]}" was skipped because "${rootId}" ${FAILURE_WORDS[failure]}`;
        this.#settle(dependent, 'skipped', now, reason);
        stack.push(dependent);
      }
    }
  }
}
