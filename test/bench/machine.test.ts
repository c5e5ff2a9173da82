import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CpuSnapshot } from '../../bench/harness/machine.js';
import { busyWarnings, cpuActivity, cpuSnapshot, machineInfo } from '../../bench/harness/machine.js';

const snapshot = (atMs: number, machineBusyMs: number, ownMs: number): CpuSnapshot => ({
  atMs,
  machineBusyMs,
  ownMs,
  loadAverage: [0, 0, 0],
});

describe('busy-machine detection', () => {
  it('attributes to other processes the CPU time the machine used beyond our own', () => {
    const activity = cpuActivity(snapshot(0, 1_000, 100), snapshot(10_000, 13_000, 10_100), 2);
    expect(activity).toEqual({
      wallMs: 10_000,
      machineBusyMs: 12_000,
      ownMs: 10_000,
      foreignMs: 2_000,
      foreignShare: 0.1,
    });
    expect(busyWarnings(0.1, activity, 2)).toEqual([
      expect.stringContaining('Other processes used 10% of the CPU'),
    ]);
  });

  it('stays quiet on an idle machine, where clock ticks may even show less than our own time', () => {
    const activity = cpuActivity(snapshot(0, 0, 0), snapshot(10_000, 19_990, 20_000), 2);
    expect(activity.foreignMs).toBe(0);
    expect(busyWarnings(0.2, activity, 2)).toEqual([]);
  });

  it('warns about a high load average before the run, unless it is left out', () => {
    const quiet = cpuActivity(snapshot(0, 0, 0), snapshot(1000, 100, 100), 2);
    expect(busyWarnings(1.5, quiet, 2)).toEqual([expect.stringContaining('load average 1.50 on 2 cores')]);
    expect(busyWarnings(undefined, quiet, 2)).toEqual([]);
    expect(busyWarnings(1.5, quiet, 16)).toEqual([]);
  });

  it('does not judge stretches too short for the clock-tick counters', () => {
    const short = cpuActivity(snapshot(0, 0, 0), snapshot(200, 300, 0), 2);
    expect(short.foreignShare).toBeGreaterThan(0.5);
    expect(busyWarnings(undefined, short, 2)).toEqual([]);
  });

  it('reads real counters: this process’s own time grows with its work', () => {
    const before = cpuSnapshot();
    let x = 1;
    for (let i = 0; i < 5e7; i++) x = (x * 31 + i) | 0;
    const after = cpuSnapshot();
    expect(x).not.toBe(0.5);
    expect(after.ownMs).toBeGreaterThan(before.ownMs);
    expect(after.machineBusyMs).toBeGreaterThanOrEqual(before.machineBusyMs);
    expect(machineInfo().cores).toBeGreaterThanOrEqual(1);
  });

  it.runIf(process.platform === 'linux')('counts the CPU time of ended child processes as our own', () => {
    const before = cpuSnapshot();
    // About a third of a second of CPU in a child; the parent only waits.
    execFileSync(process.execPath, [
      '-e',
      'let x = 0; for (let i = 0; i < 3e8; i++) x ^= i; if (x === 0.5) console.log(x)',
    ]);
    const after = cpuSnapshot();
    expect(after.ownMs - before.ownMs).toBeGreaterThan(100);
  });
});
