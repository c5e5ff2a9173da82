import { describe, expect, it } from 'vitest';
import { GOAL_BYTES_PER_TASK, GROWTH_TOLERANCE_BYTES_PER_TASK, probe } from '../../bench/sections/scale.js';
import type { RealRunMemory, SchedulerScale } from '../../bench/workloads/scale-probe.js';

// Memory is counted after full GCs in a child process (`--expose-gc`); time is left to the bench.
describe('at scale', () => {
  it('holds a 100,000-task DAG in the scheduler core in under 1 KB per task', async () => {
    const scale = await probe<SchedulerScale>('measureSchedulerScale(100000)');
    expect(scale.tasks).toBe(100_000);
    expect(scale.peakRetainedBytes / scale.tasks).toBeLessThan(GOAL_BYTES_PER_TASK);
  });

  it('runs 20,000 real tiny tasks on worker threads, run after run, without the heap growing', async () => {
    const tasksPerRun = 20_000;
    const memory = await probe<RealRunMemory>(`measureRealRunMemory(${tasksPerRun}, 3, 2)`);
    const [warm = 0, ...afterRuns] = memory.heapAfterGcBytes;
    expect(afterRuns).toHaveLength(3);
    const growthPerTaskPerRun = (afterRuns.at(-1)! - warm) / (tasksPerRun * afterRuns.length);
    expect(growthPerTaskPerRun).toBeLessThan(GROWTH_TOLERANCE_BYTES_PER_TASK);
  });
});
