import { describe, expect, it } from 'vitest';
import { measureRounds } from '../../bench/harness/measure.js';

describe('measureRounds', () => {
  it('runs warm-up rounds unmeasured, then rotates the order of the cases every round', async () => {
    const calls: string[] = [];
    const runs: [string, number, boolean][] = [];
    const busy = (name: string) => () => {
      calls.push(name);
      let x = 0;
      for (let i = 0; i < 1e5; i++) x = (x + i) | 0;
      return x;
    };
    const samples = await measureRounds(
      [
        { name: 'a', run: busy('a') },
        { name: 'b', run: async () => busy('b')() },
        { name: 'c', run: busy('c') },
      ],
      { warmup: 1, repetitions: 3, onRun: (name, round, measured) => runs.push([name, round, measured]) },
    );
    expect(calls.join('')).toBe('abc' + 'bca' + 'cab' + 'abc');
    expect(runs.slice(0, 4)).toEqual([
      ['a', 0, false],
      ['b', 0, false],
      ['c', 0, false],
      ['b', 1, true],
    ]);
    for (const name of ['a', 'b', 'c']) {
      expect(samples.wallMs[name]).toHaveLength(3);
      expect(samples.cpuMs[name]).toHaveLength(3);
      expect(samples.wallMs[name]!.every((ms) => ms >= 0)).toBe(true);
    }
  });

  it('stops at a case that fails, so a broken contender cannot look fast', async () => {
    await expect(
      measureRounds(
        [
          {
            name: 'broken',
            run: () => {
              throw new Error('no');
            },
          },
        ],
        { warmup: 0, repetitions: 2 },
      ),
    ).rejects.toThrow('no');
  });
});
