import { AgentCoordinator, type Task } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

const cpu = (id: string, extra: Partial<Task> = {}): Task => ({
  id,
  agentType: 'cpu',
  context: { iterations: 3e6 },
  ...extra,
});

describe('workflows running at once on one coordinator', () => {
  it('share its slots: together they never run more CPU tasks than maxParallelAgents', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: fixtureAgents });
    let mostRunning = 0;
    coordinator.on('taskStarted', () => {
      mostRunning = Math.max(mostRunning, coordinator.getStatus().runningTasks.length);
    });
    const first = coordinator.executeWorkflow(Array.from({ length: 6 }, (_, index) => cpu(`a${index}`)));
    const second = coordinator.executeTasksParallel(
      Array.from({ length: 6 }, (_, index) => cpu(`b${index}`)),
    );
    const single = coordinator.dispatchAgent(cpu('c', { timeoutMs: 60_000 }));
    const [a, b, c] = await Promise.all([first, second, single]);
    expect([...a, ...b, c].every((result) => result.status === 'completed')).toBe(true);
    expect(mostRunning).toBe(2);
    expect(coordinator.getStatus()).toMatchObject({ busyAgents: 0, idleAgents: 2, runningTasks: [] });
  });
});
