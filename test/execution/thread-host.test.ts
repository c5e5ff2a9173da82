import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ThreadHost } from '../../src/execution/thread-host.js';

describe('ThreadHost: starts handed over by the pool', () => {
  it('tells a start a turn after the thread’s previous call has closed, never while it is open', async () => {
    const host = new ThreadHost();
    const told: string[] = [];
    const first = host.open({ onStarted: () => told.push('first') });
    const second = host.open({ onStarted: () => told.push('second') });

    host.started(first, 7, true);
    expect(told).toEqual([]);
    await nextTurn();
    expect(told).toEqual(['first']);

    // The pool hands the thread its next task while the first call's answer is still on its way.
    host.started(second, 7, true);
    await nextTurn();
    expect(told).toEqual(['first']);
    host.close(first);
    expect(told).toEqual(['first']);
    await nextTurn();
    expect(told).toEqual(['first', 'second']);
  });

  it('tells nothing for a call closed before its start was told', async () => {
    const host = new ThreadHost();
    const told: string[] = [];
    const call = host.open({ onStarted: () => told.push('late') });
    host.started(call, 3, true);
    host.close(call);
    await nextTurn();
    expect(told).toEqual([]);
  });

  it('forgets threads the pool replaced, so a pool that keeps replacing threads does not grow it', () => {
    const host = new ThreadHost();
    host.started(host.open({}), 1, true);
    host.started(host.open({}), 2, true);
    // Thread 1 was terminated and replaced by thread 3, which takes the next task.
    host.started(host.open({}), 3, true);
    host.keepThreads([{ id: 2 }, { id: 3 }]);
    expect(host.trackedThreads).toBe(2);
  });
});
