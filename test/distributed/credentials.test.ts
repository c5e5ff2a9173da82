import { AgentCoordinator, QueueConnectionError } from 'lingflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../bench/sections/distributed/redis-server.js';
import { WorkerProcess } from '../../bench/sections/distributed/worker-process.js';
import { fixtureAgent } from '../helpers.js';
import { createTestCertificates, type TestCertificates } from './tls-certificates.js';

const PASSWORD = 'p@ss:w0rd/with-odd?chars';
const agents = { cpu: { module: fixtureAgent('cpu') } };
let redis: RedisServer;

beforeAll(async () => {
  redis = await RedisServer.start({ password: PASSWORD });
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

describe('TLS (rediss://) with a password', () => {
  let certificates: TestCertificates;
  let secure: RedisServer;

  beforeAll(async () => {
    certificates = createTestCertificates();
    secure = await RedisServer.start({ password: PASSWORD, tls: certificates.files });
  });
  afterAll(async () => {
    await secure?.stop();
    certificates?.remove();
  });

  it('runs a task over TLS, trusting a private CA given beside the URL', async () => {
    const connection = { url: secure.url(), tls: { ca: certificates.caPem } };
    expect(connection.url.startsWith('rediss://')).toBe(true);
    const worker = await WorkerProcess.start({ connection, queue: 'tls', agents, concurrency: 1 });
    const coordinator = new AgentCoordinator({
      agents,
      executor: { type: 'bullmq', connection, queue: 'tls' },
    });
    try {
      const [result] = await coordinator.executeWorkflow([{ id: 'encrypted', agentType: 'cpu' }]);
      expect(result).toMatchObject({ status: 'completed', output: { taskId: 'encrypted' } });
      expect(worker.output).toContain(`rediss://:***@127.0.0.1:${secure.port}`);
    } finally {
      await coordinator.close();
      await worker.stop();
    }
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    const coordinator = new AgentCoordinator({
      agents,
      executor: { type: 'bullmq', connection: secure.url(), queue: 'tls' },
    });
    try {
      const [result] = await coordinator.executeWorkflow([{ id: 'untrusted', agentType: 'cpu' }]);
      expect(result!.status).toBe('failed');
      expect(result!.error).toMatch(/cannot use Redis at rediss:\/\/:\*\*\*@.*certificate/i);
    } finally {
      await coordinator.close();
    }
  });
});
