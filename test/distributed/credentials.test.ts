import { AgentCoordinator, QueueConnectionError } from 'lingflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../bench/sections/distributed/redis-server.js';
import { WorkerProcess } from '../../bench/sections/distributed/worker-process.js';
import { fixtureAgent } from '../helpers.js';

const PASSWORD = 'p@ss:w0rd/with-odd?chars';
const agents = { cpu: { module: fixtureAgent('cpu') } };
let redis: RedisServer;

beforeAll(async () => {
  redis = await RedisServer.start(PASSWORD);
});
afterAll(() => redis?.stop());

describe('password-protected Redis', () => {
  it('runs a task when coordinator and worker give the password', async () => {
    const worker = await WorkerProcess.start({
      connection: redis.url(),
      queue: 'secured',
      agents,
      concurrency: 1,
    });
    const coordinator = new AgentCoordinator({
      agents,
      executor: { type: 'bullmq', connection: redis.url(), queue: 'secured' },
    });
    try {
      const [result] = await coordinator.executeWorkflow([{ id: 'guarded', agentType: 'cpu' }]);
      expect(result).toMatchObject({ status: 'completed', output: { taskId: 'guarded' } });
      expect(worker.output).toContain(`127.0.0.1:${redis.port}`);
      expect(worker.output).not.toContain(PASSWORD);
      expect(worker.output).not.toContain(encodeURIComponent(PASSWORD));
    } finally {
      await coordinator.close();
      await worker.stop();
    }
  });

  it('fails a task with a redacted QueueConnectionError when the coordinator has the wrong password', async () => {
    const wrong = 'not-the-password';
    const coordinator = new AgentCoordinator({
      agents,
      executor: { type: 'bullmq', connection: redis.url(wrong), queue: 'secured' },
    });
    const errors: unknown[] = [];
    coordinator.on('taskFinished', ({ result }) => errors.push(result.error));
    try {
      const [result] = await coordinator.executeWorkflow([{ id: 'locked-out', agentType: 'cpu' }]);
      expect(result!.status).toBe('failed');
      expect(result!.error).toContain(`cannot use Redis at redis://:***@127.0.0.1:${redis.port}`);
      expect(result!.error).toMatch(/WRONGPASS|NOAUTH|invalid password/i);
      expect(JSON.stringify(errors)).not.toContain(wrong);
    } finally {
      await coordinator.close();
    }
  });

  it('refuses to start a worker with the wrong password, without printing it', async () => {
    const wrong = 'guess-1234';
    const worker = WorkerProcess.spawn({
      connection: redis.url(wrong),
      queue: 'secured',
      agents,
      concurrency: 1,
    });
    expect(await worker.exited()).toBe(2);
    expect(worker.output).toContain(QueueConnectionError.name);
    expect(worker.output).toContain('redis://:***@');
    expect(worker.output).not.toContain(wrong);
  });
});
