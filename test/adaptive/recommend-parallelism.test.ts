import { describe, expect, it } from 'vitest';
import type { MachineReadings } from '../../src/adaptive/machine-readings.js';
import { cpuUsageBetween } from '../../src/adaptive/machine-readings.js';
import { recommendParallelism } from '../../src/adaptive/recommend-parallelism.js';

const GiB = 2 ** 30;
const idleMachine: MachineReadings = {
  cores: 8,
  loadAverage: 0,
  foreignBusyCores: 0,
  freeMemoryBytes: 16 * GiB,
  totalMemoryBytes: 32 * GiB,
};

describe('recommendParallelism', () => {
  it('uses every core of an idle machine', () => {
    expect(recommendParallelism(idleMachine)).toBe(8);
  });

  it('leaves the cores other processes keep busy, averaging the sample with the load average', () => {
    expect(recommendParallelism({ ...idleMachine, foreignBusyCores: 3, loadAverage: 3 })).toBe(5);
    // (4 + 2) / 2 = 3 taken.
    expect(recommendParallelism({ ...idleMachine, foreignBusyCores: 4, loadAverage: 2 })).toBe(5);
    // A core exactly half busy is not counted as taken: (1 + 0) / 2 = 0.5.
    expect(recommendParallelism({ ...idleMachine, foreignBusyCores: 1, loadAverage: 0 })).toBe(8);
  });

  it('falls back to the load average without a CPU sample', () => {
    const { foreignBusyCores: _, ...withoutSample } = idleMachine;
    expect(recommendParallelism({ ...withoutSample, loadAverage: 2.4 })).toBe(6);
  });

  it('never goes below 1, however loaded the machine', () => {
    expect(recommendParallelism({ ...idleMachine, foreignBusyCores: 50, loadAverage: 40 })).toBe(1);
    expect(recommendParallelism({ ...idleMachine, cores: 1, loadAverage: 1 })).toBe(1);
  });

  it('gives each worker 256 MiB of free memory', () => {
    expect(recommendParallelism({ ...idleMachine, freeMemoryBytes: 0.75 * GiB })).toBe(3);
    expect(recommendParallelism({ ...idleMachine, freeMemoryBytes: 10 * 2 ** 20 })).toBe(1);
  });

  it('reads the real machine when given nothing', () => {
    const recommended = recommendParallelism();
    expect(Number.isInteger(recommended)).toBe(true);
    expect(recommended).toBeGreaterThanOrEqual(1);
  });
});

describe('cpuUsageBetween', () => {
  it('splits the machine’s busy time into this process’s and other processes’', () => {
    const usage = cpuUsageBetween(
      { machineBusyMs: 1000, ownBusyMs: 200, atMs: 0 },
      { machineBusyMs: 2500, ownBusyMs: 700, atMs: 1000 },
    );
    expect(usage).toEqual({ ownCores: 0.5, foreignCores: 1 });
  });
});
