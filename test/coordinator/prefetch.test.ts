import { AgentCoordinator, type Task, TaskPriority, ValidationError } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgent, fixtureAgents } from '../helpers.js';

/** Rounds of the fixture's xorshift loop: about 0.5–0.6 million per millisecond on the machines we run on. */
const ROUNDS_PER_MS = 500_000;

const coordinators: AgentCoordinator[] = [];
afterEach(async () => {
  await Promise.all(coordinators.splice(0).map((coordinator) => coordinator.close()));
});

function oneThread(options: { prefetch?: number; retryDelayMs?: number } = {}): AgentCoordinator {
  const coordinator = new AgentCoordinator({
    maxParallelAgents: 1,
    agents: { cpu: fixtureAgents.cpu! },
    ...options,
  });
  coordinators.push(coordinator);
  return coordinator;
}

const burning = (id: string, ms: number, extra: Partial<Task> = {}): Task => ({
  id,
  agentType: 'cpu',
  context: { iterations: ms * ROUNDS_PER_MS },
  ...extra,
});

/** The order of start and final events, as `start t0`, `end t0`, …. */
function recordEvents(coordinator: AgentCoordinator): string[] {
  const events: string[] = [];
  coordinator.on('taskStarted', ({ taskId }) => events.push(`start ${taskId}`));
  coordinator.on('taskFinished', ({ result }) => events.push(`end ${result.taskId}`));
  return events;
}

describe('prefetch: independent CPU tasks handed to the pool ahead of a free thread', () => {
  it('counts a task handed ahead as queued, and tells its start only once a thread takes it', async () => {
    const coordinator = oneThread();
    const events = recordEvents(coordinator);
    const seen: { running: string[]; busy: number; queued: number; inProgress: number }[] = [];
    coordinator.on('taskProgress', () => {
      const { runningTasks, busyAgents, queuedTasks } = coordinator.getStatus();
      const { inProgress } = coordinator.getWorkflowStatus();
      seen.push({ running: runningTasks, busy: busyAgents, queued: queuedTasks, inProgress });
    });
    const tasks = ['t0', 't1', 't2'].map((id) => ({
      ...burning(id, 100),
      context: { iterations: 100 * ROUNDS_PER_MS, progress: true },
    }));

    const results = await coordinator.executeTasksParallel(tasks);

    expect(results.map((result) => [result.status, result.attempts])).toEqual([
      ['completed', 1],
      ['completed', 1],
      ['completed', 1],
    ]);
    expect(events).toEqual(['start t0', 'end t0', 'start t1', 'end t1', 'start t2', 'end t2']);
    // Each task reports progress twice while it runs; the tasks behind it are queued, one of them in the pool.
    expect(seen.filter((_, index) => index % 2 === 0)).toEqual([
      { running: ['t0'], busy: 1, queued: 2, inProgress: 1 },
      { running: ['t1'], busy: 1, queued: 1, inProgress: 1 },
      { running: ['t2'], busy: 1, queued: 0, inProgress: 1 },
    ]);
    for (const [index, result] of results.entries()) {
      if (index > 0) expect(result.startedAt).toBeGreaterThanOrEqual(results[index - 1]!.finishedAt!);
    }
    expect(coordinator.getAgentHistory('cpu')).toHaveLength(3);
  });

  it('counts a timeout from the moment a thread takes the task, not from when it was handed ahead', async () => {
    const coordinator = oneThread();
    const results = await coordinator.executeTasksParallel([
      burning('long', 600),
      burning('short', 1, { timeoutMs: 300 }),
    ]);
    // Counted from the hand-over, short's 300 ms would have run out while long still ran.
    expect(results.map((result) => result.status)).toEqual(['completed', 'completed']);
  });

  it('cancels a task still waiting in the pool without counting an attempt', async () => {
    const coordinator = oneThread();
    const events = recordEvents(coordinator);
    const controller = new AbortController();
    coordinator.once('taskStarted', () => setTimeout(() => controller.abort('enough'), 50));

    const results = await coordinator.executeTasksParallel([burning('running', 2000), burning('ahead', 10)], {
      signal: controller.signal,
    });

    expect(results.map((result) => [result.status, result.attempts])).toEqual([
      ['cancelled', 1],
      ['cancelled', 0],
    ]);
    expect(events.filter((event) => event.startsWith('start'))).toEqual(['start running']);
    expect(coordinator.getAgentHistory('cpu').map((record) => record.taskId)).toEqual(['running']);
  });

  it('lets a retry wait behind the task handed ahead; prefetch 0 keeps strict priority order', async () => {
    // t0 fails at once and retries 50 ms later, while t1 runs for 300 ms: by then t2 was handed ahead.
    const tasks: Task[] = [
      {
        ...burning('t0', 1, { priority: TaskPriority.CRITICAL, retries: 1 }),
        context: { iterations: ROUNDS_PER_MS, failUntilAttempt: 2 },
      },
      burning('t1', 300, { priority: TaskPriority.LOW }),
      burning('t2', 1, { priority: TaskPriority.LOW }),
    ];
    const startOrder = async (prefetch?: number) => {
      const coordinator = oneThread({ retryDelayMs: 50, ...(prefetch === undefined ? {} : { prefetch }) });
      const events = recordEvents(coordinator);
      const results = await coordinator.executeTasksParallel(tasks);
      expect(results.every((result) => result.status === 'completed')).toBe(true);
      return events.filter((event) => event.startsWith('start'));
    };

    expect(await startOrder()).toEqual(['start t0', 'start t1', 'start t2', 'start t0']);
    expect(await startOrder(0)).toEqual(['start t0', 'start t1', 'start t0', 'start t2']);
  });

  it('rejects a prefetch it cannot honour, naming the option and the reason', () => {
    const problems = (options: ConstructorParameters<typeof AgentCoordinator>[0]) => {
      try {
        new AgentCoordinator(options);
      } catch (error) {
        if (error instanceof ValidationError)
          return error.issues.map(({ field, message }) => `${field}: ${message}`);
        throw error;
      }
      return [];
    };
    expect(problems({ prefetch: -1 })).toEqual(['prefetch: expected a whole number of at least 0, got -1']);
    expect(problems({ prefetch: 1.5 })).toEqual(['prefetch: expected a whole number of at least 0, got 1.5']);
    // 'auto' lowers the limit below the threads, whose pool then holds tasks back; worker processes cannot.
    expect(problems({ maxParallelAgents: 'auto', prefetch: 2 })).toEqual([]);
    expect(problems({ maxParallelAgents: 'auto', prefetch: 2, isolation: 'process' })[0]).toMatch(
      /^prefetch: must be 0 here: 'auto' may lower the limit below the worker processes/,
    );
    expect(problems({ maxParallelAgents: 3, prefetch: 2, isolation: 'process' })).toEqual([]);
    expect(
      problems({
        prefetch: 1,
        agents: {
          threaded: { module: fixtureAgent('cpu') },
          isolated: { module: fixtureAgent('cpu'), isolation: 'process' },
        },
      })[0],
    ).toMatch(/^prefetch: must be 0 here: CPU agents run in both threads and processes/);
    expect(problems({ maxParallelAgents: 'auto', prefetch: 0 })).toEqual([]);
  });
});
