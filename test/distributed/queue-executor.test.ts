import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AgentCoordinator,
  BullmqExecutor,
  type CoordinatorStatus,
  type Task,
  TaskPriority,
  type TaskResult,
} from 'lingflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../bench/sections/distributed/redis-server.js';
import { WorkerProcess } from '../../bench/sections/distributed/worker-process.js';
import { fixtureAgent } from '../helpers.js';

const whoami = fileURLToPath(new URL('../process/fixtures/whoami.js', import.meta.url));
const agents = {
  cpu: { module: fixtureAgent('cpu') },
  echo: { module: fixtureAgent('echo-context') },
  spin: { module: fixtureAgent('spin') },
  stubborn: { module: new URL('./fixtures/agents/stubborn.js', import.meta.url).pathname },
  rendezvous: { module: fileURLToPath(new URL('./fixtures/agents/rendezvous.js', import.meta.url)) },
  whoami: { module: whoami },
  whoamiProcess: { module: whoami, isolation: 'process' as const },
};

let redis: RedisServer;
let queueNumber = 0;
const workers: WorkerProcess[] = [];
const coordinators: AgentCoordinator[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterEach(async () => {
  await Promise.all(coordinators.splice(0).map((coordinator) => coordinator.close()));
  await Promise.all(workers.splice(0).map((worker) => worker.stop('SIGKILL')));
});
afterAll(() => redis?.stop());

/** A queue no other test uses, so leftovers of one test never reach another. */
function freshQueue(): string {
  return `test-${process.pid}-${++queueNumber}`;
}

async function startWorker(queue: string, extra: { concurrency?: number } = {}): Promise<WorkerProcess> {
  const worker = await WorkerProcess.start({
    connection: redis.url(),
    queue,
    agents,
    concurrency: extra.concurrency ?? 1,
    lockDurationMs: 1000,
    stalledIntervalMs: 500,
  });
  workers.push(worker);
  return worker;
}

/** `capacity: 'advertised'` leaves it to the workers' advertised concurrency. */
function queueCoordinator(
  queue: string,
  capacity: number | 'advertised' = 2,
  extra: object = {},
): AgentCoordinator {
  const coordinator = new AgentCoordinator({
    agents,
    retryDelayMs: 20,
    executor: {
      type: 'bullmq',
      connection: redis.url(),
      queue,
      ...(capacity === 'advertised' ? {} : { capacity }),
      reconcileIntervalMs: 200,
    },
    ...extra,
  });
  coordinators.push(coordinator);
  return coordinator;
}

/** What must match between runs: everything but timings and which worker ran what. */
function comparable(results: TaskResult[]) {
  return results.map(({ durationMs: _d, startedAt: _s, finishedAt: _f, output, ...rest }) => ({
    ...rest,
    output: { ...(output as object), workerId: undefined },
  }));
}

const step = (id: string, dependencies: string[] = [], priority?: TaskPriority): Task => ({
  id,
  agentType: 'cpu',
  context: { iterations: 2e7 },
  dependencies,
  ...(priority ? { priority } : {}),
});
const mixedWorkflow = [
  step('setup-1', [], TaskPriority.HIGH),
  step('setup-2', [], TaskPriority.HIGH),
  step('setup-3', [], TaskPriority.HIGH),
  step('impl-1', ['setup-1', 'setup-2'], TaskPriority.CRITICAL),
  step('impl-2', ['impl-1']),
  step('impl-3', ['impl-1']),
  step('test-1', ['impl-1']),
  step('test-2', ['impl-2']),
  step('test-3', ['impl-3']),
];

describe('BullMQ executor with worker processes', () => {
  it('splits a workflow across two worker processes with the same results as a local run', async () => {
    const queue = freshQueue();
    const [first, second] = await Promise.all([startWorker(queue), startWorker(queue)]);
    const distributed = queueCoordinator(queue);
    const remote = await distributed.executeWorkflow(mixedWorkflow);

    const local = new AgentCoordinator({ agents, maxParallelAgents: 2 });
    coordinators.push(local);
    const expected = await local.executeWorkflow(mixedWorkflow);

    expect(comparable(remote)).toEqual(comparable(expected));
    expect(remote.every((result) => result.status === 'completed')).toBe(true);
    const ranOn = new Set(distributed.getAgentHistory('cpu').map((record) => record.workerId));
    expect(ranOn).toEqual(new Set([first!.pid, second!.pid]));

    const executor = new BullmqExecutor({ type: 'bullmq', connection: redis.url(), queue });
    try {
      const advertised = await executor.workers();
      expect(
        advertised.map(({ pid, concurrency }) => ({ pid, concurrency })).sort((a, b) => a.pid - b.pid),
      ).toEqual([first!.pid, second!.pid].sort((a, b) => a - b).map((pid) => ({ pid, concurrency: 1 })));
      expect(advertised[0]!.agents).toEqual(Object.keys(agents));
    } finally {
      await executor.close();
    }
  });

  it('recovers the job of a worker killed with SIGKILL mid-task and completes it elsewhere as a retry', async () => {
    const queue = freshQueue();
    const doomed = await startWorker(queue);
    const coordinator = queueCoordinator(queue);
    let rescuer: Promise<WorkerProcess> | undefined;
    coordinator.on('taskProgress', (event) => {
      if (event.message !== 'attempt 1 started' || rescuer) return;
      rescuer = doomed.stop('SIGKILL').then(() => startWorker(queue));
    });
    const retried: string[] = [];
    coordinator.on('taskRetried', (event) => retried.push(event.error));

    const [result] = await coordinator.executeWorkflow([
      { id: 'long', agentType: 'stubborn', retries: 1, context: { spinUntilAttempt: 2 } },
    ]);

    expect(result).toMatchObject({ status: 'completed', attempts: 2, output: { attempt: 2 } });
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatch(/crashed: its worker stopped renewing the job's lock/);
    const history = coordinator.getAgentHistory('stubborn');
    expect(history.map((record) => [record.attempt, record.success])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(history[1]!.workerId).toBe((await rescuer!).pid);
  });

  it('rides out a Redis restart: coordinator and workers reconnect and the workflow completes', async () => {
    const queue = freshQueue();
    const pool = await Promise.all([startWorker(queue), startWorker(queue)]);
    const coordinator = queueCoordinator(queue);
    let restarted: Promise<void> | undefined;
    coordinator.on('taskFinished', () => {
      restarted ??= redis.kill().then(() => redis.restart());
    });
    const tasks = [...mixedWorkflow, step('after-all', ['test-1', 'test-2', 'test-3', 'setup-3'])];

    const results = await coordinator.executeWorkflow(tasks);

    await restarted;
    expect(results.map((result) => [result.taskId, result.status])).toEqual(
      tasks.map((task) => [task.id, 'completed']),
    );
    expect(pool.every((worker) => worker.child.exitCode === null)).toBe(true);
  });

  it('keeps timeouts, cancellation, progress, logs, status and history as with local threads', async () => {
    const queue = freshQueue();
    const worker = await startWorker(queue);
    const coordinator = queueCoordinator(queue, 1);
    const progress: [string, number][] = [];
    const logs: string[] = [];
    coordinator.on('taskProgress', (event) => progress.push([event.taskId, event.fraction]));
    coordinator.on('taskLog', (event) => logs.push(event.message));

    const [spinner, reporter] = await coordinator.executeWorkflow([
      { id: 'spinner', agentType: 'spin', timeoutMs: 300 },
      { id: 'reporter', agentType: 'cpu', context: { progress: true, outputFile: 'out.txt' } },
    ]);
    expect(spinner).toMatchObject({ status: 'timed_out', attempts: 1 });
    expect(spinner!.error).toBe('task "spinner" timed out after 300 ms');
    expect(reporter).toMatchObject({ status: 'completed', outputFiles: ['out.txt'] });
    expect(progress).toEqual([
      ['reporter', 0.5],
      ['reporter', 1],
    ]);
    expect(logs).toEqual(['starting reporter']);

    // Cancelling a running attempt must stop it on the worker: its only slot is free for the next task.
    const controller = new AbortController();
    coordinator.once('taskProgress', () => controller.abort('user pressed stop'));
    const [cancelled] = await coordinator.executeWorkflow(
      [{ id: 'forever', agentType: 'stubborn', context: { spinUntilAttempt: 2 } }],
      { signal: controller.signal },
    );
    expect(cancelled!.status).toBe('cancelled');
    const [after] = await coordinator.executeWorkflow([{ id: 'after', agentType: 'cpu' }]);
    expect(after!.status).toBe('completed');

    expect(coordinator.getAgentStatus('cpu')).toMatchObject({ status: 'IDLE', completedTasks: 2 });
    expect(coordinator.getAgentHistory('cpu').map((record) => record.workerId)).toEqual([
      worker.pid,
      worker.pid,
    ]);
    expect(coordinator.getStatus()).toMatchObject({ busyAgents: 0, runningTasks: [] });
  });

  it('maps priority classes to BullMQ priorities: a critical job queued last runs first', async () => {
    const queue = freshQueue();
    const coordinator = queueCoordinator(queue, 8);
    const order: string[] = [];
    coordinator.on('taskProgress', (event) => {
      if (event.fraction === 0.5) order.push(event.taskId);
    });
    const job = (id: string, priority: TaskPriority): Task => ({
      id,
      agentType: 'cpu',
      priority,
      context: { progress: true },
    });
    const early = coordinator.executeWorkflow([
      job('low', TaskPriority.LOW),
      job('normal', TaskPriority.NORMAL),
    ]);
    const late = coordinator.executeWorkflow([
      job('critical', TaskPriority.CRITICAL),
      job('high', TaskPriority.HIGH),
    ]);
    await waitForQueuedJobs(queue, 4);
    await startWorker(queue);
    await Promise.all([early, late]);
    expect(order).toEqual(['critical', 'high', 'normal', 'low']);
  });

  it('prepares contexts in the worker threads exactly as local threads do, token limits included', async () => {
    const queue = freshQueue();
    await startWorker(queue);
    const table = Array.from({ length: 200 }, (_, index) => ({ row: index, value: `cell ${index}` }));
    const prose = Array.from(
      { length: 120 },
      (_, index) => `Sentence ${index} says how a task is cancelled.`,
    );
    const tasks: Task[] = [
      { id: 'prose', agentType: 'echo', description: 'cancel a task', context: { notes: prose.join(' ') } },
      { id: 'table', agentType: 'echo', maxContextTokens: 50, context: { table } },
    ];
    const options = { agents, compressionRatio: 0.3 };
    const distributed = queueCoordinator(queue, 1, options);
    const local = new AgentCoordinator({ ...options, maxParallelAgents: 1 });
    coordinators.push(local);

    const [remote, expected] = [await distributed.executeWorkflow(tasks), await local.executeWorkflow(tasks)];

    const same = (results: TaskResult[]) =>
      results.map(({ status, output, error, context }) => ({ status, output, error, context }));
    expect(same(remote)).toEqual(same(expected));
    expect(remote[0]!.context!.keptTokens).toBeLessThan(remote[0]!.context!.originalTokens);
    expect(remote[1]).toMatchObject({ status: 'failed' });
    expect(remote[1]!.error).toMatch(
      /^Context of task "table".* needs at least \d+ tokens but the limit is 50/,
    );
  });

  it('refuses a job naming an agent the worker does not have, before running anything', async () => {
    const queue = freshQueue();
    await startWorker(queue);
    const coordinator = new AgentCoordinator({
      agents: { ...agents, stranger: { module: fixtureAgent('cpu') } },
      executor: { type: 'bullmq', connection: redis.url(), queue, reconcileIntervalMs: 200 },
    });
    coordinators.push(coordinator);
    const [result] = await coordinator.executeWorkflow([{ id: 'odd', agentType: 'stranger' }]);
    expect(result!.status).toBe('failed');
    expect(result!.error).toMatch(/refused the job: Invalid job: 1 problem/);
    expect(result!.error).toContain('this worker has no agent "stranger"');
  });
});

describe('queue workers as the coordinator sees them', () => {
  const cpuTasks = (...ids: string[]): Task[] =>
    ids.map((id) => ({ id, agentType: 'cpu', context: { iterations: 1e7 } }));

  it('starts a task when a worker takes its job, not when it is queued, and an explicit capacity wins', async () => {
    const queue = freshQueue();
    const coordinator = queueCoordinator(queue, 2);
    const events: string[] = [];
    let firstStart: CoordinatorStatus | undefined;
    coordinator.on('taskStarted', ({ taskId }) => {
      events.push(`started ${taskId}`);
      firstStart ??= coordinator.getStatus();
    });
    coordinator.on('taskFinished', ({ result }) => events.push(`finished ${result.taskId}`));
    const tasks = cpuTasks('one', 'two', 'three');

    const run = coordinator.executeWorkflow(tasks);
    // No worker: two jobs wait in Redis (the capacity given, not the 1 of an empty queue), one task waits for
    // a slot, and nothing has started.
    await waitForQueuedJobs(queue, 2);
    expect(events).toEqual([]);
    expect(coordinator.getStatus()).toMatchObject({
      busyAgents: 0,
      idleAgents: 0,
      queuedTasks: 3,
      runningTasks: [],
      parallelismLimit: 2,
    });
    expect(coordinator.getWorkflowStatus()).toMatchObject({ inProgress: 0, pending: 3, waitingOnWorkers: 3 });
    expect(coordinator.getAgentStatus('cpu')).toMatchObject({ status: 'IDLE', currentTasks: [] });

    const workerStartedAt = Date.now();
    await startWorker(queue, { concurrency: 1 });
    const results = await run;

    expect(results.map((result) => result.status)).toEqual(['completed', 'completed', 'completed']);
    for (const { id } of tasks) {
      expect(events).toContain(`started ${id}`);
      expect(events.indexOf(`started ${id}`)).toBeLessThan(events.indexOf(`finished ${id}`));
    }
    // The worker runs one job at a time: when the first started, the other job still waited in Redis.
    const firstId = events[0]!.slice('started '.length);
    expect(firstStart).toMatchObject({ busyAgents: 1, queuedTasks: 2, runningTasks: [firstId] });
    // Start times, kept in results and history, are when the worker took each job.
    for (const { startedAt } of [...results, ...coordinator.getAgentHistory('cpu')])
      expect(startedAt).toBeGreaterThanOrEqual(workerStartedAt);
    expect(coordinator.getStatus()).toMatchObject({ maxParallelAgents: 2, busyAgents: 0, queuedTasks: 0 });
  });

  it('counts no attempt for a task cancelled while its job waits in the queue, as locally', async () => {
    const queue = freshQueue();
    const coordinator = queueCoordinator(queue, 2);
    const started: string[] = [];
    coordinator.on('taskStarted', ({ taskId }) => started.push(taskId));
    const controller = new AbortController();
    const run = coordinator.executeWorkflow(cpuTasks('queued', 'waiting'), { signal: controller.signal });
    await waitForQueuedJobs(queue, 2);
    controller.abort('user pressed stop');
    const results = await run;
    expect(results.map(({ status, attempts }) => [status, attempts])).toEqual([
      ['cancelled', 0],
      ['cancelled', 0],
    ]);
    expect(started).toEqual([]);
    expect(coordinator.getAgentHistory('cpu')).toEqual([]);
  });

  it('sizes its capacity from the concurrency the workers advertise, and waits for the first worker', async () => {
    const queue = freshQueue();
    const coordinator = queueCoordinator(queue, 'advertised');
    let running = 0;
    let mostRunning = 0;
    coordinator.on('taskStarted', () => {
      mostRunning = Math.max(mostRunning, ++running);
    });
    coordinator.on('taskFinished', () => running--);

    // No worker listed yet: one job waits in Redis for the first to come.
    const beforeWorkers = coordinator.executeWorkflow(cpuTasks('a', 'b', 'c'));
    await waitForQueuedJobs(queue, 1);
    expect(coordinator.getStatus()).toMatchObject({
      busyAgents: 0,
      idleAgents: 0,
      queuedTasks: 3,
      parallelismLimit: 1,
    });
    await startWorker(queue, { concurrency: 1 });
    expect((await beforeWorkers).map((result) => result.status)).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(mostRunning).toBe(1);
    expect(coordinator.maxParallelAgents).toBe(1);

    // A second worker, of concurrency 2: three tasks that each wait for the other two complete only if the
    // coordinator now hands out three jobs at once.
    await startWorker(queue, { concurrency: 2 });
    const meeting = mkdtempSync(join(tmpdir(), 'lingflow-rendezvous-'));
    try {
      const together = await coordinator.executeWorkflow(
        ['x', 'y', 'z'].map((id) => ({
          id,
          agentType: 'rendezvous',
          // Only so that a coordinator stuck below three fails here instead of hanging.
          timeoutMs: 20_000,
          context: { dir: meeting, count: 3 },
        })),
      );
      expect(together.map((result) => result.status)).toEqual(['completed', 'completed', 'completed']);
    } finally {
      rmSync(meeting, { recursive: true, force: true });
    }
    expect(mostRunning).toBe(3);
    expect(coordinator.getStatus()).toMatchObject({ maxParallelAgents: 3, parallelismLimit: 3 });
  });

  it("runs agents with isolation: 'process' in child processes of the worker, as a local run does", async () => {
    const queue = freshQueue();
    const worker = await startWorker(queue);
    const coordinator = queueCoordinator(queue);

    const [isolated, threaded] = await coordinator.executeWorkflow([
      { id: 'isolated', agentType: 'whoamiProcess' },
      { id: 'threaded', agentType: 'whoami' },
    ]);

    // The main thread of a process other than the worker's: one of its child processes.
    expect(isolated).toMatchObject({ status: 'completed', output: { isMainThread: true } });
    expect((isolated!.output as { pid: number }).pid).not.toBe(worker.pid);
    expect(threaded).toMatchObject({ status: 'completed', output: { isMainThread: false, pid: worker.pid } });
  });
});

/** Waits until the queue holds `count` jobs waiting for a worker (one Redis round trip per check). */
async function waitForQueuedJobs(queue: string, count: number): Promise<void> {
  const { Queue } = await import('bullmq');
  const inspector = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
  try {
    while ((await inspector.getWaitingCount()) + (await inspector.getPrioritizedCount()) < count)
      await new Promise((resolve) => setImmediate(resolve));
  } finally {
    await inspector.close();
  }
}
