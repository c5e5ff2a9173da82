import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCoordinator, CoordinatorClosedError, ValidationError } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgent, fixtureAgents, rejectionOf } from '../helpers.js';

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

const selectionAgents = {
  testing: {
    module: fixtureAgent('cpu'),
    description: 'Writes and runs unit tests',
    capabilities: ['pytest', 'coverage'],
  },
  review: {
    module: fixtureAgent('cpu'),
    description: 'Reviews code for bugs',
    capabilities: ['security', 'style'],
  },
  implementation: {
    module: fixtureAgent('cpu'),
    description: 'Implements services',
    capabilities: ['api', 'database'],
  },
};

describe('agents', () => {
  it('selects the agent whose name, capabilities and description best match, and explains why', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 1,
      agents: selectionAgents,
      defaultAgent: 'implementation',
    });
    expect(coordinator.selectAgent({ description: 'Write tests for the auth module' })).toEqual({
      agentType: 'testing',
      score: 4,
      reason: 'matched "write", "test"',
    });
    expect(coordinator.selectAgent({ description: 'Security review of payments' }).agentType).toBe('review');
    expect(coordinator.selectAgent({ description: 'Paint the fence' })).toMatchObject({
      agentType: 'implementation',
      score: 0,
    });
    expect(coordinator.selectAgent({ agentType: 'review', description: 'Write tests' }).agentType).toBe(
      'review',
    );

    const [result] = await coordinator.executeTasksParallel([
      { id: 'cov', description: 'Improve coverage', context: { iterations: 10 } },
    ]);
    expect(result).toMatchObject({ agentType: 'testing', status: 'completed' });
  });

  it('reports a task no agent can take as a validation error when there is no default agent', async () => {
    coordinator = new AgentCoordinator({ agents: selectionAgents });
    const error = await rejectionOf(
      coordinator.executeWorkflow([{ id: 'x', description: 'Paint the fence' }]),
      ValidationError,
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        taskId: 'x',
        field: 'agentType',
        message: expect.stringContaining('no agent matches'),
      }),
    ]);
  });

  it('relays progress, logs and output files from inside the worker', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: fixtureAgents });
    const progress: [string, number, string | undefined][] = [];
    const logs: string[] = [];
    coordinator.on('taskProgress', (event) => progress.push([event.taskId, event.fraction, event.message]));
    coordinator.on('taskLog', (event) => logs.push(event.message));
    const result = await coordinator.dispatchAgent({
      id: 'impl',
      agentType: 'cpu',
      context: { iterations: 1000, progress: true, outputFile: 'src/auth.ts' },
    });
    expect(result).toMatchObject({ status: 'completed', outputFiles: ['src/auth.ts'] });
    expect(progress).toEqual([
      ['impl', 0.5, 'halfway'],
      ['impl', 1, 'done'],
    ]);
    expect(logs).toEqual(['starting impl']);
  });

  it('runs more I/O tasks at once than there are threads', async () => {
    const expected = 4;
    let inFlight = 0;
    let mostInFlight = 0;
    const waiting: (() => void)[] = [];
    // Answers nobody until all requests are in flight (or 5 s passed), so the count shows real overlap.
    const server: Server = createServer((_, response) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      waiting.push(() => {
        inFlight--;
        response.end('ok');
      });
      if (waiting.length === expected) for (const release of waiting.splice(0)) release();
    });
    const giveUp = setTimeout(() => {
      for (const release of waiting.splice(0)) release();
    }, 5_000);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      coordinator = new AgentCoordinator({
        maxParallelAgents: 1,
        agents: { fetch: { module: fixtureAgent('http-fetch'), kind: 'io' } },
      });
      const results = await coordinator.executeTasksParallel(
        Array.from({ length: expected }, (_, index) => ({
          id: `get-${index}`,
          agentType: 'fetch',
          context: { url },
        })),
      );
      expect(results.map((result) => result.output)).toEqual(
        Array(expected).fill({ status: 200, body: 'ok' }),
      );
      expect(mostInFlight).toBe(expected);
    } finally {
      clearTimeout(giveUp);
      server.close();
    }
  });

  it('stops running I/O agents through ctx.signal, on cancel and on timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lingflow-abort-'));
    const marker = (name: string) => join(dir, name);
    try {
      coordinator = new AgentCoordinator({
        maxParallelAgents: 1,
        agents: { wait: { module: fixtureAgent('await-abort'), kind: 'io' } },
      });
      const controller = new AbortController();
      // Cancelled as soon as the task is on its way: the stop may reach the thread before the task does.
      coordinator.once('taskStarted', () => setImmediate(() => controller.abort('user pressed stop')));
      const [cancelled] = await coordinator.executeWorkflow(
        [{ id: 'cancelled', agentType: 'wait', context: { marker: marker('cancelled') } }],
        { signal: controller.signal },
      );
      const [timedOut] = await coordinator.executeWorkflow([
        { id: 'timed-out', agentType: 'wait', timeoutMs: 200, context: { marker: marker('timed-out') } },
      ]);
      expect([cancelled!.status, timedOut!.status]).toEqual(['cancelled', 'timed_out']);
      // The agents write their markers when their signal aborts; a lost stop leaves them waiting forever.
      await expect
        .poll(() => ['cancelled', 'timed-out'].every((name) => existsSync(marker(name))), { timeout: 5_000 })
        .toBe(true);
      expect(readFileSync(marker('cancelled'), 'utf8')).toContain('user pressed stop');
      expect(readFileSync(marker('timed-out'), 'utf8')).toBe('timed out after 200 ms');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes at once while an I/O agent ignores its signal, failing its task', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 1,
      agents: { hang: { module: fixtureAgent('hang'), kind: 'io' } },
    });
    const started = new Promise((resolve) => coordinator.once('taskStarted', resolve));
    const run = coordinator.executeTasksParallel([{ id: 'stuck', agentType: 'hang' }]);
    await started;
    const closing = performance.now();
    await coordinator.close();
    // Piscina's own close() waits for running tasks and gives up after 30 s.
    expect(performance.now() - closing).toBeLessThan(10_000);
    const [result] = await run;
    expect(result).toMatchObject({ taskId: 'stuck', success: false });
  });

  it('refuses dependencies in executeTasksParallel and any call after close', async () => {
    coordinator = new AgentCoordinator({ agents: fixtureAgents });
    const error = await rejectionOf(
      coordinator.executeTasksParallel([
        { id: 'a', agentType: 'cpu' },
        { id: 'b', agentType: 'cpu', dependencies: ['a'] },
      ]),
      ValidationError,
    );
    expect(error.message).toContain('use executeWorkflow for tasks with dependencies');
    await coordinator.close();
    await rejectionOf(coordinator.dispatchAgent({ id: 'late', agentType: 'cpu' }), CoordinatorClosedError);
  });
});
