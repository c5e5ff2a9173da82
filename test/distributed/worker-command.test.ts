import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AgentCoordinator } from 'lingflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../bench/sections/distributed/redis-server.js';
import { workerCommand } from '../../src/cli/commands/worker.js';
import { runCli } from '../../src/cli/run-cli.js';
import { fixtureAgent } from '../helpers.js';

const PASSWORD = 'cli-secret';
let redis: RedisServer;
let dir: string;

beforeAll(async () => {
  redis = await RedisServer.start({ password: PASSWORD });
  dir = mkdtempSync(join(tmpdir(), 'lingflow-worker-cli-'));
  writeFileSync(join(dir, 'agents.json'), JSON.stringify({ cpu: { module: fixtureAgent('cpu') } }));
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('lingflow worker', () => {
  it('serves a coordinator until stopped, taking the password from the environment and never printing it', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let printed = '';
    const listening = new Promise<void>((resolve) => {
      stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('agents cpu')) resolve();
      });
    });
    stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const stop = new AbortController();
    const exitCode = runCli(
      ['worker', '--agents', join(dir, 'agents.json'), '--queue', 'cli', '--concurrency', '1'],
      { stdout, stderr, env: { LINGFLOW_REDIS_URL: redis.url() }, signal: stop.signal },
      [workerCommand],
    );
    await listening;
    const coordinator = new AgentCoordinator({
      agents: { cpu: { module: fixtureAgent('cpu') } },
      executor: { type: 'bullmq', connection: redis.url(), queue: 'cli' },
    });
    try {
      const [result] = await coordinator.executeWorkflow([{ id: 'via-cli', agentType: 'cpu' }]);
      expect(result).toMatchObject({ status: 'completed', output: { taskId: 'via-cli' } });
    } finally {
      await coordinator.close();
    }
    stop.abort();
    expect(await exitCode).toBe(0);
    expect(printed).toContain(`redis://:***@127.0.0.1:${redis.port}`);
    expect(printed).not.toContain(PASSWORD);
  });

  it('explains a missing connection', async () => {
    const { code, printed } = await runWorker(['--agents', join(dir, 'agents.json')], {});
    expect(code).toBe(2);
    expect(printed).toContain('LINGFLOW_REDIS_URL');
  });

  it('refuses an --isolation it does not know, before connecting', async () => {
    const args = ['--agents', join(dir, 'agents.json'), '--isolation', 'fiber'];
    const { code, printed } = await runWorker(args, { LINGFLOW_REDIS_URL: redis.url() });
    expect(code).toBe(2);
    expect(printed).toContain('--isolation expects "thread" or "process", got "fiber"');
  });
});

/** Runs `lingflow worker` in this process until it exits by itself; what it printed on stderr. */
async function runWorker(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; printed: string }> {
  const stderr = new PassThrough();
  let printed = '';
  stderr.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const code = await runCli(
    ['worker', ...args],
    { stdout: new PassThrough(), stderr, env, signal: new AbortController().signal },
    [workerCommand],
  );
  return { code, printed };
}
