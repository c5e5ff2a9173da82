import { afterEach, describe, expect, it } from 'vitest';
import type { BurnPayload } from '../../bench/agents/burn.js';
import type { BenchPool } from '../../bench/workloads/pools.js';
import { benchTasks, CONTENDERS, startPool } from '../../bench/workloads/pools.js';

let pools: BenchPool<BurnPayload>[] = [];
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  pools = [];
});

describe('bench contenders', () => {
  it('runs the same compiled agent on the same tasks in lingflow, Piscina and Tinypool', async () => {
    const tasks = benchTasks<BurnPayload>([1, 2, 3, 4].map((seed) => ({ iterations: 1e5, seed })));
    expect(tasks[0]).toEqual({ id: 't0', agentType: 'bench', context: { iterations: 1e5, seed: 1 } });
    pools = CONTENDERS.map((name) => startPool<BurnPayload>(name, 2, 'agents/burn'));
    for (const pool of pools) {
      expect(pool.workers).toBe(2);
      await expect(pool.runAll(tasks)).resolves.toBeUndefined();
    }
  });

  it('fails a lingflow batch loudly when a task fails, so a broken bench cannot look fast', async () => {
    pools = [startPool<BurnPayload>('lingflow', 1, 'agents/noop')];
    // The no-op agent reads `context.value`; a null context makes it throw inside the worker.
    const tasks = [{ id: 'bad', agentType: 'bench' as const, context: null as unknown as BurnPayload }];
    await expect(pools[0]!.runAll(tasks)).rejects.toThrow();
  });
});
