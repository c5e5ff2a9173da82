import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintTasks } from '../../src/monitoring/fingerprint.js';
import type { Task } from '../../src/types.js';

const chain: Task[] = [
  { id: 'a', agentType: 'cpu', context: { n: 1 } },
  { id: 'b', agentType: 'cpu', context: { n: 2 }, dependencies: ['a'] },
  { id: 'c', agentType: 'cpu', dependencies: ['b'] },
  { id: 'd', agentType: 'cpu' },
];

describe('fingerprintTasks', () => {
  it('changes a changed task and everything downstream of it, and nothing else', () => {
    const before = fingerprintTasks(chain);
    const after = fingerprintTasks(
      chain.map((task) => (task.id === 'b' ? { ...task, context: { n: 3 } } : task)),
    );
    expect(after.tasks.map((fingerprint, index) => fingerprint === before.tasks[index])).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(after.workflow).not.toBe(before.workflow);
  });

  it('ignores key order, input order, priority, timeout and retries', () => {
    const reordered: Task[] = [...chain].reverse().map((task) => ({
      ...Object.fromEntries(Object.entries(task).reverse()),
      priority: 'high',
      timeoutMs: 5,
      retries: 2,
    })) as Task[];
    const original = fingerprintTasks(chain);
    const other = fingerprintTasks(reordered);
    expect(other.workflow).toBe(original.workflow);
    expect([...other.tasks].reverse()).toEqual(original.tasks);
  });

  it('tells apart values that JSON would merge', () => {
    const contexts: Record<string, unknown>[] = [
      { v: 0 },
      { v: -0 },
      { v: Number.NaN },
      { v: null },
      { v: undefined },
      {},
      { v: '1' },
      { v: 1 },
      { v: 1n },
      { v: new Date(1) },
      { v: new Map([['k', 1]]) },
      { v: { k: 1 } },
      { v: new Set([1]) },
      { v: [1] },
      { v: new Uint8Array([1]) },
      { v: '\uD800' },
      { v: '\uDBFF' },
      { v: '\uFFFD' },
    ];
    const fingerprints = contexts.map((context) => fingerprintTasks([{ id: 't', context }]).tasks[0]);
    expect(new Set(fingerprints).size).toBe(contexts.length);
  });

  it('is deterministic on arbitrary structured-clone-able contexts, including cycles', () => {
    fc.assert(
      fc.property(
        fc.object({ withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true }),
        (context) => {
          const cyclic = { ...context, self: {} as Record<string, unknown> };
          cyclic.self = cyclic;
          const first = fingerprintTasks([{ id: 't', context: cyclic }]);
          expect(fingerprintTasks([{ id: 't', context: structuredClone(cyclic) }])).toEqual(first);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('uses the resolved agent type of a task that names none', () => {
    const [task] = chain;
    const named = fingerprintTasks([{ ...task!, agentType: 'review' }]);
    const selected = fingerprintTasks([{ ...task!, agentType: undefined }], ['review']);
    expect(selected).toEqual(named);
  });
});
