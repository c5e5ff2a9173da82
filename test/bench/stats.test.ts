import { describe, expect, it } from 'vitest';
import {
  efficiency,
  idealSpeedup,
  makespanLowerBound,
  median,
  pairedRatio,
  roundOrder,
  scheduleEfficiency,
  summarize,
  throughput,
  workerCounts,
} from '../../bench/harness/stats.js';

describe('bench arithmetic', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const samples = [30, 10, 20];
    expect(median(samples)).toBe(20);
    expect(samples).toEqual([30, 10, 20]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('takes the median of per-round ratios, not the ratio of medians', () => {
    // Per round: 1.2, 0.8 and 2; the medians alone would give 200 / 150.
    expect(pairedRatio([120, 240, 300], [100, 300, 150])).toBeCloseTo(1.2, 10);
    expect(median([120, 240, 300]) / median([100, 300, 150])).toBeCloseTo(1.6, 10);
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
  });

  it('summarizes samples as median, min, max and count', () => {
    expect(summarize([5, 9, 7, 6])).toEqual({ median: 6.5, min: 5, max: 9, count: 4 });
  });

  it('computes efficiency against the ideal', () => {
    expect(efficiency(1.9, 2, 2)).toBeCloseTo(0.95, 10);
    expect(efficiency(2.5, 3, 3)).toBeCloseTo(0.8333, 4); // the guide's own example
  });

  it('caps the ideal speedup at the cores, so an oversubscribed pool is judged fairly', () => {
    expect(idealSpeedup(1, 2)).toBe(1);
    expect(idealSpeedup(2, 2)).toBe(2);
    expect(idealSpeedup(4, 2)).toBe(2);
    expect(efficiency(1.8, 4, 2)).toBeCloseTo(0.9, 10);
  });

  it('bounds a makespan by the work spread over the workers and by the critical path', () => {
    expect(makespanLowerBound(600, 2, 300)).toBe(300);
    expect(makespanLowerBound(1000, 2, 300)).toBe(500);
    expect(makespanLowerBound(1000, 8, 300)).toBe(300);
    expect(scheduleEfficiency(300, 330)).toBeCloseTo(0.909, 3);
  });

  it('turns a batch time into tasks per second', () => {
    expect(throughput(20_000, 500)).toBe(40_000);
  });

  it('rotates the order of contenders so each takes every place', () => {
    expect(roundOrder(3, 0)).toEqual([0, 1, 2]);
    expect(roundOrder(3, 1)).toEqual([1, 2, 0]);
    expect(roundOrder(3, 2)).toEqual([2, 0, 1]);
    expect(roundOrder(3, 3)).toEqual([0, 1, 2]);
    const firsts = [0, 1, 2, 3].map((round) => roundOrder(4, round)[0]);
    expect(new Set(firsts).size).toBe(4);
  });

  it('measures every worker count up to the cores on small machines, then twice the cores', () => {
    expect(workerCounts(1)).toEqual([1, 2]);
    expect(workerCounts(2)).toEqual([1, 2, 4]);
    expect(workerCounts(4)).toEqual([1, 2, 3, 4, 8]);
    expect(workerCounts(12)).toEqual([1, 2, 4, 8, 12, 24]);
    expect(workerCounts(16)).toEqual([1, 2, 4, 8, 16, 32]);
  });
});
