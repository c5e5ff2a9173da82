import { describe, expect, it } from 'vitest';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { criticalPathOrder } from '../../src/scheduling/dispatch-order.js';
import {
  createSlotPool,
  SchedulerCore,
  type SchedulerCoreOptions,
} from '../../src/scheduling/scheduler-core.js';
import { simulate } from '../../src/scheduling/simulate.js';
import { TaskPriority as Priority, type TaskPriority } from '../../src/types.js';

interface Spec {
  id: string;
  dependencies?: string[];
  priority?: TaskPriority;
  cost?: number;
}

function coreFor(specs: Spec[], overrides: Partial<SchedulerCoreOptions> = {}): SchedulerCore {
  const graph = buildTaskGraph(specs);
  return new SchedulerCore({
    graph,
    order: criticalPathOrder(
      graph,
      specs.map((spec) => spec.priority ?? Priority.NORMAL),
      specs.map((spec) => spec.cost ?? 1),
    ),
    maxAttempts: specs.map(() => 1),
    limits: { cpu: 2, io: 2 },
    failurePolicy: 'continue',
    retryDelayMs: () => 10,
    ...overrides,
  });
}

const idsOf = (core: SchedulerCore, indices: { index: number }[]) =>
  indices.map(({ index }) => core.graph.ids[index]);

describe('SchedulerCore', () => {
  it('starts only tasks whose dependencies completed, up to the limit', () => {
    const core = coreFor([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd', dependencies: ['a', 'b'] }]);
    expect(idsOf(core, core.dispatch(0))).toEqual(['a', 'b']);
    expect(core.dispatch(0)).toEqual([]);
    core.succeed(0, 1);
    expect(idsOf(core, core.dispatch(1))).toEqual(['c']);
    core.succeed(1, 2);
    core.succeed(2, 2);
    expect(idsOf(core, core.dispatch(2))).toEqual(['d']);
    core.succeed(3, 3);
    expect(core.finished).toBe(true);
    expect(core.phaseCounts().completed).toBe(4);
  });

  it('orders by inherited priority, then critical path, then input order', () => {
    const core = coreFor(
      [
        { id: 'short' },
        { id: 'long-head' },
        { id: 'long-tail', dependencies: ['long-head'] },
        { id: 'feeds-critical' },
        { id: 'critical', dependencies: ['feeds-critical'], priority: Priority.CRITICAL },
      ],
      { limits: { cpu: 1, io: 1 } },
    );
    const order: string[] = [];
    simulate(core, {
      attempt: (index) => {
        order.push(core.graph.ids[index]!);
        return { durationMs: 1 };
      },
    });
    // long-tail and short tie on remaining path (1), so input order decides.
    expect(order).toEqual(['feeds-critical', 'critical', 'long-head', 'short', 'long-tail']);
  });

  it('retries after the backoff delay and settles with the last failure when attempts run out', () => {
    const delays: number[] = [];
    const core = coreFor([{ id: 'flaky' }], {
      maxAttempts: [3],
      retryDelayMs: (attempt) => {
        delays.push(attempt);
        return 100 * attempt;
      },
    });
    const result = simulate(core, { attempt: () => ({ durationMs: 5, outcome: 'failed' }) });
    expect(core.phaseOf(0)).toBe('failed');
    expect(core.attemptsOf(0)).toBe(3);
    expect(delays).toEqual([1, 2]);
    // 5 ms, wait 100, 5 ms, wait 200, 5 ms.
    expect(result.makespanMs).toBe(315);
  });

  it('lets a slot take a batch of eligible tasks, never more than its share of the ready queue', () => {
    const specs = Array.from({ length: 10 }, (_, index) => ({ id: `t${index}` }));
    const core = coreFor(specs, { batching: { maxSize: 4, eligible: (index) => index !== 3 } });
    const started = core.dispatch(0);
    const batches = new Map<number, typeof started>();
    for (const dispatch of started)
      batches.set(dispatch.batch, [...(batches.get(dispatch.batch) ?? []), dispatch]);
    expect([...batches.values()].map((batch) => idsOf(core, batch))).toEqual([['t0', 't1', 't2'], ['t3']]);
    expect(core.running.cpu).toBe(2);
    core.succeed(0, 1);
    core.succeed(1, 1);
    expect(core.running.cpu).toBe(2);
    core.succeed(2, 1);
    expect(core.running.cpu).toBe(1);
    // Six remain ready for two slots: a share is three.
    expect(idsOf(core, core.dispatch(1))).toEqual(['t4', 't5', 't6']);
  });

  it('halts on the first final failure under fail-fast and names it', () => {
    const halted: string[] = [];
    const core = coreFor([{ id: 'bad' }, { id: 'slow' }, { id: 'later', dependencies: ['slow'] }], {
      failurePolicy: 'fail-fast',
      observer: { halted: (reason) => halted.push(reason) },
    });
    core.dispatch(0);
    core.fail(0, 1, 'failed', 'boom');
    expect(halted).toEqual(['fail-fast after task "bad" failed']);
    expect(core.phaseOf(2)).toBe('cancelled');
    expect(core.phaseOf(1)).toBe('running');
    core.fail(1, 2, 'cancelled', 'interrupted');
    expect(core.finished).toBe(true);
  });
  it('queues CPU attempts ahead of the limit only in workflows without dependencies, and never batches them', () => {
    const independent = coreFor(
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id })),
      { slots: createSlotPool({ cpu: 2, io: 2 }, 2) },
    );
    const first = independent.dispatch(0);
    expect(first.map(({ queued }) => queued)).toEqual([false, false, true, true]);
    expect(independent.running.cpu).toBe(4);
    // A finish frees a slot ahead: the next task is queued too, since the threads still have one each.
    independent.succeed(0, 1);
    expect(independent.dispatch(1).map(({ index, queued }) => [index, queued])).toEqual([[4, true]]);

    const withDependency = coreFor(
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd', dependencies: ['a'] }],
      { slots: createSlotPool({ cpu: 2, io: 2 }, 2) },
    );
    expect(withDependency.dispatch(0).map(({ queued }) => queued)).toEqual([false, false]);

    const batchable = coreFor(
      ['a', 'b', 'c', 'd'].map((id) => ({ id })),
      {
        slots: createSlotPool({ cpu: 1, io: 1 }, 1),
        batching: { maxSize: 4, eligible: (index) => index !== 3 },
      },
    );
    // a, b and c share the one slot; d may not batch, so it is queued ahead alone.
    const batched = batchable.dispatch(0);
    expect(batched.map(({ index, queued }) => [index, queued])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, true],
    ]);
  });
});
