import { describe, expect, it } from 'vitest';
import type { ControllerDecision, ControlSample } from '../../src/adaptive/concurrency-controller.js';
import { ConcurrencyController } from '../../src/adaptive/concurrency-controller.js';

const INTERVAL_MS = 500;
const TASK_MS = 50;

/**
 * A scripted machine in virtual time: `cores` cores, CPU-bound tasks of 50 ms, and another process that
 * wants `foreign(interval)` cores. With `fairness: 'process'` (Linux between sessions, roughly), each busy
 * party gets a fair share of the cores and our threads share ours, so extra slots gain nothing while the
 * other process runs. With `'thread'`, every runnable thread gets an equal share, so more slots take more.
 */
function runScript(options: {
  cores: number;
  controller: ConcurrencyController;
  intervals: number;
  foreign?: (interval: number) => number;
  /** Throughput cap in cores, for workloads that stop scaling (memory-bound); default none. */
  scalingCap?: number;
  saturated?: boolean;
  fairness?: 'process' | 'thread';
}): ControllerDecision[] {
  const {
    cores,
    controller,
    intervals,
    foreign = () => 0,
    scalingCap = Infinity,
    saturated = true,
    fairness = 'process',
  } = options;
  const decisions: ControllerDecision[] = [];
  let carry = 0;
  for (let interval = 1; interval <= intervals; interval++) {
    const foreignWants = foreign(interval);
    const ownWants = controller.limit;
    const fairShare = fairness === 'thread' ? (cores * foreignWants) / (foreignWants + ownWants) : cores / 2;
    const foreignCores = Math.min(foreignWants, Math.max(cores - ownWants, fairShare));
    const ownCores = Math.min(ownWants, cores - foreignCores, scalingCap);
    const exact = (ownCores * INTERVAL_MS) / TASK_MS + carry;
    const completions = Math.floor(exact);
    carry = exact - completions;
    const sample: ControlSample = {
      intervalMs: INTERVAL_MS,
      completions,
      completedWork: completions * TASK_MS,
      foreignCores,
      saturated,
    };
    decisions.push(controller.observe(sample));
  }
  return decisions;
}

const limits = (decisions: ControllerDecision[]) => decisions.map((decision) => decision.limit);
/** The 1-based interval after which the limit no longer changes. */
const settledAfter = (decisions: ControllerDecision[], from: number) => {
  let last = from;
  decisions.forEach((decision, index) => {
    if (index + 1 > from && decision.limit !== decision.previousLimit) last = index + 1;
  });
  return last - from;
};

describe('ConcurrencyController', () => {
  it('grows to the free cores when tasks wait, and stays there', () => {
    const controller = new ConcurrencyController({ cores: 4, maxLimit: 4, initialLimit: 1 });
    const decisions = runScript({ cores: 4, controller, intervals: 40 });
    expect(decisions.slice(-10).every((decision) => decision.limit === 4)).toBe(true);
    expect(settledAfter(decisions, 0)).toBeLessThanOrEqual(30);
    expect(decisions.some((decision) => decision.action === 'undo-grow')).toBe(false);
  });

  it('backs off when another process takes a core, and grows back when it leaves', () => {
    const controller = new ConcurrencyController({ cores: 2, maxLimit: 2, initialLimit: 2 });
    const busyFrom = 11;
    const busyUntil = 40;
    const decisions = runScript({
      cores: 2,
      controller,
      intervals: 70,
      foreign: (interval) => (interval >= busyFrom && interval < busyUntil ? 1 : 0),
    });
    expect(limits(decisions.slice(0, busyFrom - 1)).every((limit) => limit === 2)).toBe(true);
    const backOff = decisions.findIndex((decision, index) => index >= busyFrom - 1 && decision.limit === 1);
    expect(decisions[backOff]!.action).toBe('back-off');
    expect(backOff + 1 - busyFrom).toBeLessThan(10);
    expect(limits(decisions.slice(backOff, busyUntil - 1)).every((limit) => limit === 1)).toBe(true);
    const regrown = decisions.findIndex((decision, index) => index >= busyUntil - 1 && decision.limit === 2);
    expect(regrown + 1 - busyUntil).toBeLessThan(10);
    expect(limits(decisions.slice(regrown)).every((limit) => limit === 2)).toBe(true);
  });

  it('settles within 10 intervals of the other process starting or leaving', () => {
    for (const cores of [2, 4, 8]) {
      const controller = new ConcurrencyController({ cores, maxLimit: cores, initialLimit: cores });
      const decisions = runScript({
        cores,
        controller,
        intervals: 60,
        foreign: (interval) => (interval >= 11 && interval < 31 ? cores / 2 : 0),
      });
      const duringLoad = decisions.slice(0, 30);
      expect(settledAfter(duringLoad, 10)).toBeLessThanOrEqual(10);
      expect(duringLoad.at(-1)!.limit).toBe(cores / 2);
      expect(settledAfter(decisions, 30)).toBeLessThanOrEqual(10 + 3 * cores);
      expect(decisions.at(-1)!.limit).toBe(cores);
    }
  });

  it('undoes a back-off that only hands CPU time to the other process, and then settles', () => {
    const controller = new ConcurrencyController({ cores: 2, maxLimit: 2, initialLimit: 2 });
    const decisions = runScript({
      cores: 2,
      controller,
      intervals: 40,
      fairness: 'thread',
      foreign: (interval) => (interval >= 11 ? 1 : 0),
    });
    const actions = decisions.filter((decision) => decision.action !== 'hold').map((d) => d.action);
    expect(actions).toEqual(['back-off', 'undo-back-off']);
    expect(settledAfter(decisions, 10)).toBeLessThanOrEqual(10);
    expect(decisions.at(-1)!.limit).toBe(2);
    // Over the loaded stretch, at least 95% of the work of staying at 2 (4/3 cores rather than 1).
    const work = decisions
      .slice(10)
      .reduce((sum, decision) => sum + (decision.previousLimit === 2 ? 4 / 3 : 1), 0);
    expect(work / (30 * (4 / 3))).toBeGreaterThanOrEqual(0.95);
  });

  it('never goes above the threads, even with more free cores', () => {
    const controller = new ConcurrencyController({ cores: 8, maxLimit: 3, initialLimit: 8 });
    expect(controller.limit).toBe(3);
    const decisions = runScript({ cores: 8, controller, intervals: 50 });
    expect(Math.max(...limits(decisions))).toBe(3);
  });

  it('undoes a slot that brings no throughput, and waits longer before trying again', () => {
    const controller = new ConcurrencyController({ cores: 4, maxLimit: 4, initialLimit: 1 });
    const decisions = runScript({ cores: 4, controller, intervals: 80, scalingCap: 1 });
    const undone = decisions.filter((decision) => decision.action === 'undo-grow');
    expect(undone.length).toBeGreaterThanOrEqual(2);
    const grows = decisions.filter((decision) => decision.action === 'grow').map((d) => d.interval);
    const gaps = grows.slice(1).map((interval, index) => interval - grows[index]!);
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0]!);
    // Most of the time is spent at the limit that does the work.
    expect(limits(decisions).filter((limit) => limit === 1).length).toBeGreaterThan(50);
  });

  it('does not grow while nothing waits for a slot', () => {
    const controller = new ConcurrencyController({ cores: 4, maxLimit: 4, initialLimit: 1 });
    const decisions = runScript({ cores: 4, controller, intervals: 20, saturated: false });
    expect(limits(decisions).every((limit) => limit === 1)).toBe(true);
  });

  it('ignores a single interval of foreign load', () => {
    const controller = new ConcurrencyController({ cores: 2, maxLimit: 2, initialLimit: 2 });
    const decisions = runScript({
      cores: 2,
      controller,
      intervals: 20,
      foreign: (interval) => (interval === 5 ? 1 : 0),
    });
    expect(limits(decisions).every((limit) => limit === 2)).toBe(true);
  });

  it('reports its state for status displays', () => {
    const controller = new ConcurrencyController({ cores: 2, maxLimit: 2, initialLimit: 1 });
    runScript({ cores: 2, controller, intervals: 3 });
    expect(controller.state).toMatchObject({ limit: 2, maxLimit: 2, intervals: 3, trial: 'grow' });
    expect(controller.state.lastChange).toMatchObject({ action: 'grow', previousLimit: 1, limit: 2 });
    runScript({ cores: 2, controller, intervals: 1 });
    expect(controller.state).toMatchObject({ limit: 2, intervals: 4 });
    expect(controller.state.trial).toBeUndefined();
    expect(controller.state.lastChange).toMatchObject({ action: 'grow', previousLimit: 1, limit: 2 });
  });
});
