import { AgentCoordinator, type Task } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

const tiny = (count: number, prefix: string, extra: Partial<Task> = {}): Task[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index}`,
    agentType: 'cpu',
    context: { iterations: 10, progress: true },
    ...extra,
  }));

describe('tiny tasks', () => {
  it('share slots once history shows they are tiny, with every result and event kept apart', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: fixtureAgents });
    await coordinator.executeTasksParallel(tiny(4, 'warm-'));

    let mostRunning = 0;
    let mostBusy = 0;
    const progressOf = new Map<string, number[]>();
    coordinator.on('taskStarted', () => {
      const status = coordinator.getStatus();
      mostRunning = Math.max(mostRunning, status.runningTasks.length);
      mostBusy = Math.max(mostBusy, status.busyAgents);
    });
    coordinator.on('taskProgress', ({ taskId, fraction }) => {
      progressOf.set(taskId, [...(progressOf.get(taskId) ?? []), fraction]);
    });
    const tasks = tiny(2_000, 't');
    const results = await coordinator.executeTasksParallel(tasks);

    expect(results.map((result) => result.taskId)).toEqual(tasks.map((task) => task.id));
    expect(
      results.every(
        (result) => result.success && (result.output as { taskId: string }).taskId === result.taskId,
      ),
    ).toBe(true);
    // Several tasks ran in a slot at once, yet no more slots than threads were ever busy.
    expect(mostRunning).toBeGreaterThan(2);
    expect(mostBusy).toBeLessThanOrEqual(2);
    // comlink delivers asynchronously; by the end of the workflow every task's progress has arrived in order.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(progressOf.get('t1999')).toEqual([0.5, 1]);
  });

  it('never batches tasks with a timeout', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: fixtureAgents });
    await coordinator.executeTasksParallel(tiny(4, 'warm-'));
    let mostRunning = 0;
    coordinator.on('taskStarted', () => {
      mostRunning = Math.max(mostRunning, coordinator.getStatus().runningTasks.length);
    });
    const results = await coordinator.executeTasksParallel(tiny(50, 't', { timeoutMs: 5_000 }));
    expect(results.every((result) => result.success)).toBe(true);
    expect(mostRunning).toBe(1);
  });
});
