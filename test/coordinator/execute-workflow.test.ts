import { AgentCoordinator, type Task, TaskPriority, type TaskStartedEvent, ValidationError } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgents, rejectionOf } from '../helpers.js';

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

const cpu = (id: string, extra: Partial<Task> = {}, iterations = 2e6): Task => ({
  id,
  agentType: 'cpu',
  context: { iterations },
  ...extra,
});

function startOrder(subject: AgentCoordinator): string[] {
  const started: string[] = [];
  subject.on('taskStarted', (event: TaskStartedEvent) => started.push(event.taskId));
  return started;
}

describe('executeWorkflow', () => {
  it('runs the guide’s 9-task mixed workflow in dependency order', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 2,
      agents: { implementation: fixtureAgents.cpu!, testing: fixtureAgents.cpu! },
    });
    const step = (
      id: string,
      agentType: string,
      dependencies: string[] = [],
      priority?: TaskPriority,
    ): Task => ({
      id,
      agentType,
      description: id,
      context: { iterations: 3e6 },
      dependencies,
      ...(priority ? { priority } : {}),
    });
    const tasks = [
      step('setup-1', 'implementation', [], TaskPriority.HIGH),
      step('setup-2', 'implementation', [], TaskPriority.HIGH),
      step('setup-3', 'implementation', [], TaskPriority.HIGH),
      step('impl-1', 'implementation', ['setup-1', 'setup-2'], TaskPriority.CRITICAL),
      step('impl-2', 'implementation', ['impl-1'], TaskPriority.HIGH),
      step('impl-3', 'implementation', ['impl-1'], TaskPriority.HIGH),
      step('test-1', 'testing', ['impl-1']),
      step('test-2', 'testing', ['impl-2']),
      step('test-3', 'testing', ['impl-3']),
    ];
    const finishedAt = new Map<string, number>();
    const startedAt = new Map<string, number>();
    let sequence = 0;
    coordinator.on('taskStarted', (event) => startedAt.set(event.taskId, sequence++));
    coordinator.on('taskFinished', ({ result }) => finishedAt.set(result.taskId, sequence++));

    const results = await coordinator.executeWorkflow(tasks);

    expect(results.map((result) => result.taskId)).toEqual(tasks.map((task) => task.id));
    expect(results.every((result) => result.status === 'completed' && result.attempts === 1)).toBe(true);
    for (const task of tasks) {
      for (const dependency of task.dependencies ?? []) {
        expect(finishedAt.get(dependency)!).toBeLessThan(startedAt.get(task.id)!);
      }
    }
    // setup-1 and setup-2 inherit CRITICAL from impl-1, so they start before setup-3.
    const firstTwo = [...startedAt.entries()]
      .sort((a, b) => a[1] - b[1])
      .slice(0, 2)
      .map(([id]) => id);
    expect(firstTwo.sort()).toEqual(['setup-1', 'setup-2']);
    expect(coordinator.getWorkflowStatus()).toMatchObject({
      totalTasks: 9,
      completed: 9,
      pending: 0,
      inProgress: 0,
    });
    expect(coordinator.getAgentHistory('testing')).toHaveLength(3);
  });

  it('starts ready tasks by priority, then critical path, then input order on a saturated pool', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: fixtureAgents });
    const started = startOrder(coordinator);
    await coordinator.executeWorkflow([
      cpu('low', { priority: TaskPriority.LOW }),
      cpu('normal-a'),
      cpu('normal-b'),
      cpu('critical', { priority: TaskPriority.CRITICAL }),
      cpu('high', { priority: TaskPriority.HIGH }),
      cpu('normal-long-chain'),
      cpu('after-chain', { dependencies: ['normal-long-chain'] }),
    ]);
    expect(started).toEqual([
      'critical',
      'high',
      'normal-long-chain',
      'normal-a',
      'normal-b',
      'after-chain',
      'low',
    ]);
  });

  it('skips the dependents of a failed task, naming the dependency, and finishes independent branches', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: fixtureAgents });
    const results = await coordinator.executeWorkflow([
      cpu('broken', { context: { fail: 'disk on fire' } }),
      cpu('child', { dependencies: ['broken'] }),
      cpu('grandchild', { dependencies: ['child'] }),
      cpu('independent'),
    ]);
    const [broken, child, grandchild, independent] = results;
    expect(broken).toMatchObject({ status: 'failed', success: false, attempts: 1 });
    expect(broken!.error).toContain('disk on fire');
    expect(child).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(child!.error).toContain('"broken" failed');
    expect(grandchild!.status).toBe('skipped');
    expect(grandchild!.error).toContain('"child" was skipped because "broken" failed');
    expect(independent!.status).toBe('completed');
  });

  it('cancels everything after the first failure under fail-fast, giving every task a result', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: fixtureAgents });
    const results = await coordinator.executeWorkflow(
      [
        cpu('broken', { context: { fail: 'no' }, priority: TaskPriority.HIGH }),
        cpu('a'),
        cpu('b', { dependencies: ['a'] }),
      ],
      { failurePolicy: 'fail-fast' },
    );
    expect(results.map((result) => result.status)).toEqual(['failed', 'cancelled', 'cancelled']);
    expect(results[1]!.error).toContain('fail-fast after task "broken" failed');
  });

  it('reports a dependency cycle with its path, together with every other problem', async () => {
    coordinator = new AgentCoordinator({ agents: fixtureAgents });
    const attempt = coordinator.executeWorkflow([
      cpu('a', { dependencies: ['c'] }),
      cpu('b', { dependencies: ['a'] }),
      cpu('c', { dependencies: ['b'] }),
      cpu('d', { timeoutMs: -5 }),
      cpu('e', { agentType: 'nobody' }),
    ]);
    const error = await rejectionOf(attempt, ValidationError);
    expect(error.issues.map((issue) => [issue.taskId, issue.field])).toEqual([
      ['d', 'timeoutMs'],
      ['e', 'agentType'],
    ]);
    const cycleOnly = await rejectionOf(
      coordinator.executeWorkflow([
        cpu('a', { dependencies: ['c'] }),
        cpu('b', { dependencies: ['a'] }),
        cpu('c', { dependencies: ['b'] }),
      ]),
      ValidationError,
    );
    expect(cycleOnly.message).toContain('dependency cycle: "a" → "c" → "b" → "a"');
  });

  it('stops a CPU-spinning task at its timeout while its sibling completes, then keeps working', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: fixtureAgents });
    const [spinner, sibling] = await coordinator.executeWorkflow([
      { id: 'spinner', agentType: 'spin', timeoutMs: 300 },
      cpu('sibling', {}, 2e7),
    ]);
    expect(spinner).toMatchObject({ status: 'timed_out', success: false, attempts: 1 });
    expect(spinner!.error).toContain('timed out after 300 ms');
    expect(sibling!.status).toBe('completed');
    const [after] = await coordinator.executeWorkflow([cpu('after')]);
    expect(after!.status).toBe('completed');
  });

  it('retries with backoff until an attempt succeeds', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: fixtureAgents, retryDelayMs: 20 });
    const retried: number[] = [];
    coordinator.on('taskRetried', (event) => retried.push(event.nextAttempt));
    const [result] = await coordinator.executeWorkflow([
      cpu('flaky', { retries: 3, context: { failUntilAttempt: 3 } }),
    ]);
    expect(result).toMatchObject({ status: 'completed', attempts: 3 });
    expect(result!.output).toMatchObject({ attempt: 3 });
    expect(retried).toEqual([2, 3]);
    expect(coordinator.getAgentHistory('cpu').map((record) => [record.attempt, record.success])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('cancels queued and running tasks when the signal aborts', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: fixtureAgents });
    const controller = new AbortController();
    coordinator.on('taskStarted', () => controller.abort('user pressed stop'));
    const results = await coordinator.executeWorkflow([{ id: 'running', agentType: 'spin' }, cpu('queued')], {
      signal: controller.signal,
    });
    expect(results.map((result) => result.status)).toEqual(['cancelled', 'cancelled']);
    expect(results[1]!.error).toContain('user pressed stop');
  });

  it('fails only the task whose worker exits, and the pool recovers', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: fixtureAgents });
    const [crashed, healthy] = await coordinator.executeWorkflow([
      { id: 'crash', agentType: 'exit' },
      cpu('healthy'),
    ]);
    expect(crashed!.status).toBe('failed');
    expect(crashed!.error).toMatch(/worker running task "crash" crashed/);
    expect(healthy!.status).toBe('completed');
    const again = await coordinator.executeWorkflow([cpu('x'), cpu('y'), cpu('z')]);
    expect(again.every((result) => result.success)).toBe(true);
  });

  it('answers status calls correctly while a workflow runs', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: fixtureAgents });
    const snapshots: { running: string[]; busy: number; pending: number; waiting: number }[] = [];
    coordinator.on('taskStarted', () => {
      const status = coordinator.getStatus();
      const workflow = coordinator.getWorkflowStatus();
      snapshots.push({
        running: status.runningTasks,
        busy: status.busyAgents,
        pending: workflow.pending,
        waiting: workflow.waitingOnDependencies,
      });
    });
    const run = coordinator.executeWorkflow([
      cpu('a', {}, 2e7),
      cpu('b', {}, 2e7),
      cpu('c', { dependencies: ['a'] }),
    ]);
    expect(coordinator.getAgentStatus('cpu').status).toBe('BUSY');
    expect(coordinator.getAgentStatus('cpu').currentTasks.sort()).toEqual(['a', 'b']);
    expect(coordinator.getStatus()).toMatchObject({ busyAgents: 2, idleAgents: 0, maxParallelAgents: 2 });
    await run;
    expect(snapshots[1]).toMatchObject({ busy: 2, pending: 1, waiting: 1 });
    expect(snapshots[1]!.running.sort()).toEqual(['a', 'b']);
    expect(coordinator.getStatus()).toMatchObject({ busyAgents: 0, idleAgents: 2, runningTasks: [] });
    expect(coordinator.getAgentStatus('cpu')).toMatchObject({
      status: 'IDLE',
      completedTasks: 3,
      failedTasks: 0,
    });
  });
});
