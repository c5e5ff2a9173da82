import { IndexHeap } from './index-heap.js';
import type { AttemptFailure, SchedulerCore } from './scheduler-core.js';

/** How one simulated attempt goes: how long it takes and how it ends (completed when omitted). */
export interface SimulatedAttempt {
  durationMs: number;
  outcome?: 'completed' | Exclude<AttemptFailure, 'cancelled'>;
}

/** One attempt as it ran in virtual time, on a numbered lane (worker). */
export interface SimulatedSpan {
  index: number;
  attempt: number;
  lane: number;
  startMs: number;
  endMs: number;
  outcome: 'completed' | AttemptFailure;
}

/** What a simulation produced. */
export interface SimulationResult {
  makespanMs: number;
  spans: SimulatedSpan[];
}

/** Options of {@link simulate}. */
export interface SimulationOptions {
  /** Decides the duration and outcome of each attempt. */
  attempt: (index: number, attempt: number) => SimulatedAttempt;
  /** Aborts the workflow at this virtual time, interrupting running attempts. */
  abortAtMs?: number;
}

/**
 * Drives a {@link SchedulerCore} in virtual time: no threads, no timers, just a queue of completion events.
 * The planner uses it to predict makespans, and the property tests to check the scheduler's invariants
 * on thousands of random workflows per second.
 */
export function simulate(core: SchedulerCore, options: SimulationOptions): SimulationResult {
  const spans: SimulatedSpan[] = [];
  const pending = new IndexHeap(
    (a, b) => spans[a]!.endMs < spans[b]!.endMs || (spans[a]!.endMs === spans[b]!.endMs && a < b),
  );
  const busyLanes: boolean[] = [];
  let now = 0;
  let aborted = options.abortAtMs === undefined;

  const start = () => {
    for (const { index, attempt } of core.dispatch(now)) {
      const { durationMs, outcome = 'completed' } = options.attempt(index, attempt);
      let lane = busyLanes.indexOf(false);
      if (lane === -1) lane = busyLanes.length;
      busyLanes[lane] = true;
      pending.push(spans.push({ index, attempt, lane, startMs: now, endMs: now + durationMs, outcome }) - 1);
    }
  };
  const finish = (span: SimulatedSpan) => {
    busyLanes[span.lane] = false;
    if (span.outcome === 'completed') core.succeed(span.index, now);
    else core.fail(span.index, now, span.outcome, `simulated ${span.outcome}`);
  };
  // A halt (abort or fail-fast) interrupts every running attempt, as the live driver does: each pending
  // span is a running attempt, and it ends now, cancelled.
  const interruptRunning = () => {
    for (const id of pending.drain()) {
      const span = spans[id]!;
      span.endMs = now;
      span.outcome = 'cancelled';
      finish(span);
    }
  };

  start();
  while (!core.finished) {
    const next = pending.peek();
    const wake = core.nextWakeAt();
    const nextEventAt = Math.min(next === undefined ? Infinity : spans[next]!.endMs, wake ?? Infinity);
    if (!aborted && options.abortAtMs! <= nextEventAt) {
      aborted = true;
      now = Math.max(now, options.abortAtMs!);
      core.halt('aborted', now);
      interruptRunning();
      continue;
    }
    if (nextEventAt === Infinity) throw new Error('simulation stalled: tasks remain but nothing can run');
    now = nextEventAt;
    while (pending.size > 0 && spans[pending.peek()!]!.endMs === now) {
      finish(spans[pending.pop()!]!);
      if (core.haltReason !== undefined) interruptRunning();
    }
    start();
  }
  return { makespanMs: now, spans };
}
