import { describe, expect, it } from 'vitest';
import { summarizeBottlenecks } from '../../src/monitoring/bottlenecks.js';
import { summarizeWorkflow } from '../../src/monitoring/status.js';
import { calculateSpeedup } from '../../src/scheduling/speedup.js';

describe('calculateSpeedup', () => {
  it('gives the guide’s example: 600 s sequential, 240 s on 3 agents', () => {
    const report = calculateSpeedup(600, 240, 3);
    expect(report.idealSpeedup).toBe(3);
    expect(report.actualSpeedup).toBe(2.5);
    expect(report.efficiency).toBeCloseTo(0.8333, 4);
  });

  it('rejects times and worker counts that are not meaningful, naming each', () => {
    expect(() => calculateSpeedup(0, Number.NaN, 1.5)).toThrow(/sequentialMs 0, parallelMs NaN, workers 1.5/);
  });
});

describe('summarizeBottlenecks', () => {
  const counts = {
    blocked: 0,
    ready: 0,
    retrying: 0,
    running: 0,
    completed: 0,
    failed: 0,
    timed_out: 0,
    cancelled: 0,
    skipped: 0,
  };

  it('points at workers when ready tasks wait for a slot', () => {
    const summary = summarizeBottlenecks(summarizeWorkflow({ ...counts, ready: 3, blocked: 4, running: 2 }));
    expect(summary).toMatchObject({
      bottleneck: 'workers',
      waitingOnWorkers: 3,
      waitingOnDependencies: 4,
      running: 2,
    });
    expect(summary.advice).toMatch(/more workers would help/);
  });

  it('points at dependencies when the remaining tasks wait on running ones', () => {
    const summary = summarizeBottlenecks(summarizeWorkflow({ ...counts, blocked: 5, running: 1 }));
    expect(summary).toMatchObject({
      bottleneck: 'dependencies',
      waitingOnWorkers: 0,
      waitingOnDependencies: 5,
    });
    expect(summary.advice).toMatch(/would not help/);
  });

  it('says nothing waits when nothing does', () => {
    expect(summarizeBottlenecks(summarizeWorkflow({ ...counts, completed: 4 })).bottleneck).toBe('none');
  });
});
