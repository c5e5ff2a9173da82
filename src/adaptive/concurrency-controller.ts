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
 * What the controller did after an interval: `hold` (no change), `grow` (one more slot, to be checked),
 * `back-off` (other processes took cores), `undo-grow` (the last slot added did not raise throughput).
 */
export type ControllerAction = 'hold' | 'grow' | 'back-off' | 'undo-grow';

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
  /** A `grow` waiting to be confirmed by throughput measured at the new limit. */
  checkingGrowth: boolean;
  /** Intervals to wait before the next `grow` after one that did not pay. */
  growBackoff: number;
}

/** Intervals a signal must persist before the limit follows it, so one noisy reading moves nothing. */
const CONFIRMING_INTERVALS = 2;
/** A `grow` is judged once this many tasks completed at the new limit ... */
const COMPLETIONS_TO_JUDGE = 8;
/** ... or this many intervals passed, whichever comes first. */
const INTERVALS_TO_JUDGE = 8;
/**
 * Share of the proportional gain (from `L` to `L + 1` slots: `1/L`) a `grow` must deliver to stay. A quarter
 * leaves room for measurement noise while catching a slot that brings nothing.
 */
const REQUIRED_GAIN_SHARE = 0.25;
const FIRST_GROW_BACKOFF = 2;
const MAX_GROW_BACKOFF = 32;

/**
 * The 'auto' concurrency controller: a pure state machine fed one {@link ControlSample} per control
 * interval, returning the CPU-task limit to use next. No clocks or I/O, so tests script load in virtual time.
 *
 * Rules, in the spirit of AIMD and of the .NET thread pool's hill climbing:
 * - **back-off** (multiplicative): when other processes leave fewer cores than the limit for
 *   {@link CONFIRMING_INTERVALS} intervals, drop straight to the cores left (rounded, at least 1). Extra
 *   slots would only time-share cores with the other process, adding switches and memory, not speed.
 * - **grow** (additive): when tasks wait for a slot and free cores exceed the limit for as many intervals,
 *   add one slot, never above `maxLimit` (the threads).
 * - **undo-grow** (hill climbing): a slot must raise work-weighted throughput by a quarter of the
 *   proportional gain, judged over enough completions; if not, it is removed and growing pauses for a
 *   backoff that doubles on each failure (2, 4, … 32 intervals) and resets on success.
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
  /** Throughput at the limit before an unconfirmed `grow`. */
  #baseline: number | undefined;
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
      checkingGrowth: this.#baseline !== undefined,
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
    const availableCores = Math.max(0, this.#settings.cores - sample.foreignCores);
    const fitting = fittingLimit(availableCores, this.#settings.maxLimit);
    this.#lowCores = fitting < this.#limit ? this.#lowCores + 1 : 0;
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
      this.#baseline = undefined;
      return decide('back-off', fitting);
    }
    if (this.#baseline !== undefined) {
      if (this.#completions < COMPLETIONS_TO_JUDGE && this.#intervalsAtLimit < INTERVALS_TO_JUDGE)
        return decide('hold', this.#limit);
      const required = this.#baseline * (1 + REQUIRED_GAIN_SHARE / (this.#limit - 1));
      this.#baseline = undefined;
      if (throughput < required) {
        this.#noGrowBefore = this.#interval + this.#growBackoff;
        this.#growBackoff = Math.min(MAX_GROW_BACKOFF, this.#growBackoff * 2);
        return decide('undo-grow', this.#limit - 1);
      }
      this.#growBackoff = FIRST_GROW_BACKOFF;
    }
    if (this.#highCores >= CONFIRMING_INTERVALS && this.#interval >= this.#noGrowBefore) {
      this.#baseline = throughput;
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

/**
 * The limit that fits `cores` free cores: rounded half down (a core another process uses half the time
 * still gives a worker most of its time), at least 1, at most `maxLimit`.
 */
function fittingLimit(cores: number, maxLimit: number): number {
  return Math.min(maxLimit, Math.max(1, Math.ceil(cores - 0.5)));
}
