import { AgentCoordinator, DEFAULT_TASK_DURATION_MS, type Task, ValidationError } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';

let coordinator: AgentCoordinator | undefined;
afterEach(async () => {
  await coordinator?.close();
  coordinator = undefined;
});

/** The history's smoothing (newest duration weighted 0.3), replayed from the records. */
function smoothed(durations: number[]): number {
  return durations.slice(1).reduce((estimate, ms) => 0.3 * ms + 0.7 * estimate, durations[0]!);
}

describe('coordinator.planWorkflow', () => {
  it('predicts from the recorded duration of each agent type once it has history', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: { cpu: fixtureAgents.cpu! } });
    const tasks: Task[] = [
      { id: 'a', agentType: 'cpu', context: { iterations: 2e6 } },
      { id: 'b', agentType: 'cpu', dependencies: ['a'], context: { iterations: 2e6 } },
      { id: 'c', agentType: 'cpu', dependencies: ['a'], context: { iterations: 2e6 } },
    ];
    const before = coordinator.planWorkflow(tasks, { workers: 2 });
    expect(before.sequentialMs).toBe(3 * DEFAULT_TASK_DURATION_MS);

    await coordinator.executeWorkflow(tasks);
    const estimate = smoothed(coordinator.getAgentHistory('cpu').map((record) => record.durationMs));
    const plan = coordinator.planWorkflow(tasks, { workers: 2 });
    expect(plan.sequentialMs).toBeCloseTo(3 * estimate, 6);
    expect(plan.criticalPathMs).toBeCloseTo(2 * estimate, 6);
    expect(plan.plans[1]!.makespanMs).toBeCloseTo(2 * estimate, 6);
    // Given durations win over history.
    expect(
      coordinator.planWorkflow(tasks, { workers: 1, durations: { a: 1, b: 2, c: 3 } }).sequentialMs,
    ).toBe(6);
  });

  it('runs in the planned order with optimizeOrder and known durations', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: { cpu: fixtureAgents.cpu! } });
    const tasks: Task[] = ['p', 'q', 'r', 's'].map((id) => ({
      id,
      agentType: 'cpu',
      context: { iterations: 1e5 },
    }));
    tasks.push({ id: 'z', agentType: 'cpu', dependencies: ['s'], context: { iterations: 1e5 } });
    const durations = { p: 10, q: 40, r: 20, s: 5, z: 50 };
    const plan = coordinator.planWorkflow(tasks, { workers: [1], durations });
    const started: string[] = [];
    coordinator.on('taskStarted', (event) => started.push(event.taskId));

    const results = await coordinator.executeWorkflow(tasks, { optimizeOrder: true, durations });

    expect(results.every((result) => result.status === 'completed')).toBe(true);
    expect(started).toEqual(plan.plans[0]!.startOrder);
    // s leads the longest remaining path (s → z, 55 ms).
    expect(started[0]).toBe('s');
  });

  it('rejects durations for unknown tasks or of invalid values before running', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: { cpu: fixtureAgents.cpu! } });
    const tasks: Task[] = [{ id: 'a', agentType: 'cpu' }];
    await expect(coordinator.executeWorkflow(tasks, { durations: { a: -1, ghost: 2 } })).rejects.toThrow(
      ValidationError,
    );
  });
});
