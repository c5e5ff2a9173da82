/** How the 'auto' controller is set up. */
export interface ControllerSettings {
  /** Cores this process may use. */
  cores: number;
  /** Most CPU tasks at once: the worker threads, which the limit never exceeds. */
  maxLimit: number;
  /** Where to start, usually the cores other processes leave free; rounded half down, kept in 1 … `maxLimit`. */
  initialLimit: number;
}

/** What was measured over one control interval. */
export interface ControlSample {
  intervalMs: number;
  /** Tasks completed in the interval. */
  completions: number;
  /** The same completions, each weighted by its task's estimated cost, so long tasks count for more. */
  completedWork: number;
  /** Cores other processes kept busy over the interval. */
  foreignCores: number;
  /** Whether tasks waited for a slot during the interval, i.e. whether the limit held anything back. */
  saturated: boolean;
}

/**
 * What the controller did after an interval: `hold` (no change), `grow` (one more slot, on trial),
 * `back-off` (other processes took cores; on trial), `undo-grow` (the slot added did not raise throughput),
 * `undo-back-off` (the slots given up were doing work the operating system would not give back).
 */
export type ControllerAction = 'hold' | 'grow' | 'back-off' | 'undo-grow' | 'undo-back-off';

/** One decision, as the 'auto' controller reports it. */
export interface ControllerDecision {
  /** Number of the interval that led to it, from 1. */
  interval: number;
  action: ControllerAction;
  previousLimit: number;
  limit: number;
  /** Cores left for this process: cores less other processes' use. */
  availableCores: number;
  /** Completed work per second at the previous limit, measured since the limit last changed. */
  throughput: number;
}

/** The controller's state, for status displays. */
export interface ControllerState {
  limit: number;
  maxLimit: number;
  intervals: number;
  /** The most recent decision that changed the limit, if any. */
  lastChange?: ControllerDecision;
  /** The change being judged by the throughput measured since, if any. */
  trial?: 'grow' | 'back-off';
  /** Intervals to wait before the next `grow` after one that did not pay. */
  growBackoff: number;
}

/**
 * Intervals a signal must persist before the limit follows it, so one noisy reading moves nothing. The
 * first may be only partly under the new conditions; the others are the baseline a change is judged by.
 */
const CONFIRMING_INTERVALS = 3;
/** A change is judged once this many tasks completed at the new limit ... */
const COMPLETIONS_TO_JUDGE = 16;
/** ... or this many intervals passed, whichever comes first. */
const INTERVALS_TO_JUDGE = 8;
/**
 * Share of the proportional gain (from `L` to `L + 1` slots: `1 / L`) a `grow` must deliver to stay. A
 * quarter leaves room for measurement noise while catching a slot that brings nothing.
 */
const REQUIRED_GAIN_SHARE = 0.25;
/**
 * Throughput a `back-off` may cost before it is undone. Backing off is meant to cost nothing: the cores
 * given up go to the other program either way when the operating system shares the CPU per process.
 */
const TOLERATED_BACK_OFF_LOSS = 0.05;
const FIRST_GROW_BACKOFF = 2;
const MAX_GROW_BACKOFF = 32;
/** Other processes' use must rise by this many cores before a refused back-off is tried again. */
const FOREIGN_RISE_TO_RETRY = 0.5;

/** A limit change on probation: judged by the throughput it brings. */
interface Trial {
  action: 'grow' | 'back-off';
  fromLimit: number;
  /** Work per second before the change: since the last change for a grow, the latest intervals for a back-off. */
  baseline: number;
  /** Other processes' cores when the change was made. */
  foreignCores: number;
}

/**
 * The 'auto' concurrency controller: a pure state machine fed one {@link ControlSample} per control
 * interval, returning the CPU-task limit to use next. No clocks or I/O, so tests script load in virtual time.
 *
 * Rules, in the spirit of AIMD and of the .NET thread pool's hill climbing:
 * - **back-off** (multiplicative): when other processes leave fewer cores than the limit for
 *   {@link CONFIRMING_INTERVALS} intervals, drop straight to the cores left (rounded half down, at least 1):
 *   extra slots would time-share cores with the other program.
 * - **grow** (additive): when tasks wait for a slot and free cores exceed the limit for as many intervals,
 *   add one slot, never above `maxLimit` (the threads).
 * - **trials** (hill climbing): every change is judged on work-weighted throughput over enough
 *   completions. A `grow` that gains less than a quarter of the proportional gain is undone, and growing
 *   pauses for a backoff that doubles on each failure (2, 4, … 32 intervals). A `back-off` that costs more
 *   than 5% of throughput is undone (`undo-back-off`): the operating system was sharing the CPU per thread,
 *   so the slots were winning real work; it is not retried until other processes take another half core
 *   or leave.
 */
export class ConcurrencyController {
  readonly #settings: ControllerSettings;
  #limit: number;
  #interval = 0;
  #lowCores = 0;
  #highCores = 0;
  #growBackoff = FIRST_GROW_BACKOFF;
  #noGrowBefore = 0;
  #lastChange: ControllerDecision | undefined;
  #trial: Trial | undefined;
  /** After a refused back-off: back off again only once other processes use at least this many cores. */
  #backOffOnlyAbove: number | undefined;
  /** Work and milliseconds of the latest intervals, newest last, for the baseline of a back-off. */
  readonly #recent: { work: number; ms: number }[] = [];
  // Measured since the limit last changed.
  #work = 0;
  #elapsedMs = 0;
  #completions = 0;
  #intervalsAtLimit = 0;

  constructor(settings: ControllerSettings) {
    this.#settings = settings;
    this.#limit = fittingLimit(settings.initialLimit, settings.maxLimit);
  }

  /** The CPU-task limit to use now. */
  get limit(): number {
    return this.#limit;
  }

  /** A snapshot for status displays. */
  get state(): ControllerState {
    return {
      limit: this.#limit,
      maxLimit: this.#settings.maxLimit,
      intervals: this.#interval,
      ...(this.#lastChange ? { lastChange: this.#lastChange } : {}),
      ...(this.#trial ? { trial: this.#trial.action } : {}),
      growBackoff: this.#growBackoff,
    };
  }

  /** Takes one interval's measurements and decides the limit for the next. */
  observe(sample: ControlSample): ControllerDecision {
    this.#interval++;
    this.#work += sample.completedWork;
    this.#elapsedMs += sample.intervalMs;
    this.#completions += sample.completions;
    this.#intervalsAtLimit++;
    const throughput = this.#elapsedMs > 0 ? (this.#work / this.#elapsedMs) * 1000 : 0;
    this.#recent.push({ work: sample.completedWork, ms: sample.intervalMs });
    if (this.#recent.length > CONFIRMING_INTERVALS - 1) this.#recent.shift();
    const availableCores = Math.max(0, this.#settings.cores - sample.foreignCores);
    const fitting = fittingLimit(availableCores, this.#settings.maxLimit);
    if (fitting >= this.#limit) this.#backOffOnlyAbove = undefined;
    const mayBackOff = this.#backOffOnlyAbove === undefined || sample.foreignCores >= this.#backOffOnlyAbove;
    this.#lowCores = fitting < this.#limit && mayBackOff ? this.#lowCores + 1 : 0;
    this.#highCores = fitting > this.#limit && sample.saturated ? this.#highCores + 1 : 0;

    const decide = (action: ControllerAction, limit: number): ControllerDecision => {
      const decision = {
        interval: this.#interval,
        action,
        previousLimit: this.#limit,
        limit,
        availableCores,
        throughput,
      };
      if (limit !== this.#limit) this.#changeLimit(decision);
      return decision;
    };

    if (this.#lowCores >= CONFIRMING_INTERVALS) {
      this.#trial = {
        action: 'back-off',
        fromLimit: this.#limit,
        baseline: rate(this.#recent),
        foreignCores: sample.foreignCores,
      };
      return decide('back-off', fitting);
    }
    const trial = this.#trial;
    if (trial !== undefined) {
      if (this.#completions < COMPLETIONS_TO_JUDGE && this.#intervalsAtLimit < INTERVALS_TO_JUDGE)
        return decide('hold', this.#limit);
      this.#trial = undefined;
      if (trial.action === 'grow') {
        if (throughput < trial.baseline * (1 + REQUIRED_GAIN_SHARE / trial.fromLimit)) {
          this.#noGrowBefore = this.#interval + this.#growBackoff;
          this.#growBackoff = Math.min(MAX_GROW_BACKOFF, this.#growBackoff * 2);
          return decide('undo-grow', trial.fromLimit);
        }
        this.#growBackoff = FIRST_GROW_BACKOFF;
      } else if (throughput < trial.baseline * (1 - TOLERATED_BACK_OFF_LOSS)) {
        this.#backOffOnlyAbove = trial.foreignCores + FOREIGN_RISE_TO_RETRY;
        return decide('undo-back-off', trial.fromLimit);
      }
    }
    if (this.#highCores >= CONFIRMING_INTERVALS && this.#interval >= this.#noGrowBefore) {
      this.#trial = {
        action: 'grow',
        fromLimit: this.#limit,
        baseline: throughput,
        foreignCores: sample.foreignCores,
      };
      return decide('grow', this.#limit + 1);
    }
    return decide('hold', this.#limit);
  }

  #changeLimit(decision: ControllerDecision): void {
    this.#limit = decision.limit;
    this.#lastChange = decision;
    this.#lowCores = 0;
    this.#highCores = 0;
    this.#work = 0;
    this.#elapsedMs = 0;
    this.#completions = 0;
    this.#intervalsAtLimit = 0;
  }
}

/** Work per second over some intervals. */
function rate(intervals: readonly { work: number; ms: number }[]): number {
  let work = 0;
  let ms = 0;
  for (const interval of intervals) {
    work += interval.work;
    ms += interval.ms;
  }
  return ms > 0 ? (work / ms) * 1000 : 0;
}

/**
 * The limit that fits `cores` free cores: rounded half down (a core another process uses half the time
 * still gives a worker most of its time), at least 1, at most `maxLimit`.
 */
function fittingLimit(cores: number, maxLimit: number): number {
  return Math.min(maxLimit, Math.max(1, Math.ceil(cores - 0.5)));
}
