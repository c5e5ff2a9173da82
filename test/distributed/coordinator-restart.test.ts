import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TaskResult } from 'lingflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../bench/sections/distributed/redis-server.js';
import { WorkerProcess } from '../../bench/sections/distributed/worker-process.js';

const script = fileURLToPath(new URL('./fixtures/journal-coordinator.mjs', import.meta.url));
const ledgerAgent = fileURLToPath(new URL('./fixtures/agents/ledger.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lingflow-restart-'));
let redis: RedisServer;
let worker: WorkerProcess;

beforeAll(async () => {
  redis = await RedisServer.start();
  worker = await WorkerProcess.start({
    connection: redis.url(),
    queue: 'restart',
    agents: { ledger: { module: ledgerAgent } },
    concurrency: 1,
  });
});
afterAll(async () => {
  await worker?.stop('SIGKILL');
  await redis?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the coordinator script; with `killWhenRunning`, SIGKILLs it once a worker has started that task. */
async function runCoordinator(
  killWhenRunning?: string,
): Promise<{ finished: string[]; results?: TaskResult[] }> {
  const options = {
    connection: redis.url(),
    queue: 'restart',
    journal: join(scratch, 'journal.jsonl'),
    ledger: join(scratch, 'ledger.txt'),
  };
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const run: { finished: string[]; results?: TaskResult[] } = { finished: [] };
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('finished ')) run.finished.push(line.slice('finished '.length));
    if (line.startsWith('results ')) run.results = JSON.parse(line.slice('results '.length));
    if (line === `started ${killWhenRunning}`) child.kill('SIGKILL');
  });
  await once(child, 'exit');
  return run;
}

describe('coordinator restarted with its journal', () => {
  it('reruns no finished task and never duplicates a job it had queued', async () => {
    const killed = await runCoordinator('second');
    expect(killed.finished).toEqual(['first']);
    expect(killed.results).toBeUndefined();

    const resumed = await runCoordinator();

    expect(resumed.results!.map((result) => [result.taskId, result.status, result.resumed ?? false])).toEqual(
      [
        ['first', 'completed', true],
        ['second', 'completed', false],
        ['third', 'completed', false],
      ],
    );
    // Every task ran exactly once, across both coordinators: "second", running on the worker when the first
    // coordinator died, was found again by the second under the same job id.
    const ledger = readFileSync(join(scratch, 'ledger.txt'), 'utf8').trim().split('\n');
    expect(ledger).toEqual(['first 1', 'second 1', 'third 1']);
    // "second" started on the worker before this coordinator listened, so no `active` event told it: the
    // check of the job's state did, long before the job finished (not just as its answer came).
    const second = resumed.results!.find((result) => result.taskId === 'second')!;
    expect(second.finishedAt! - second.startedAt!).toBeGreaterThan(300);
  });
});
