import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCoordinator, type AgentSpec, type Task, type TaskResult } from 'lingflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureAgent, fixtureAgents } from '../helpers.js';
import { LiveThreads } from './live-threads.js';

/** One way an agent can go wrong, and what its task's result must say. */
interface Fault {
  name: string;
  agent: AgentSpec;
  context?: Record<string, unknown>;
  timeoutMs?: number;
  status: TaskResult['status'];
  error: RegExp;
}

const scratch = mkdtempSync(join(tmpdir(), 'lingflow-faults-'));
// Written at run time: a syntax error in the repository would break the linter.
const syntaxErrorModule = join(scratch, 'syntax-error.js');
writeFileSync(syntaxErrorModule, 'export default function (task) { return task.id; }}\n');

const FAULTS: Fault[] = [
  {
    name: 'throws synchronously',
    agent: { module: fixtureAgent('throw-sync') },
    status: 'failed',
    error: /agent "throws synchronously" failed on task "faulty[-\d]*": sync failure in faulty/,
  },
  {
    name: 'rejects asynchronously',
    agent: { module: fixtureAgent('reject-async') },
    status: 'failed',
    error: /failed on task "faulty[-\d]*": async failure in faulty/,
  },
  {
    name: 'calls process.exit()',
    agent: fixtureAgents.exit!,
    status: 'failed',
    error: /worker running task "faulty[-\d]*" crashed: .*exit/i,
  },
  {
    name: 'exhausts its heap',
    agent: { module: fixtureAgent('heap-hog') },
    status: 'failed',
    error: /worker running task "faulty[-\d]*" crashed: .*memory/i,
  },
  {
    name: 'spins past its timeout',
    agent: fixtureAgents.spin!,
    timeoutMs: 300,
    status: 'timed_out',
    error: /task "faulty[-\d]*" timed out after 300 ms/,
  },
  {
    name: 'is missing',
    agent: { module: join(scratch, 'no-such-agent.js') },
    status: 'failed',
    error: /could not be loaded from file:.*no-such-agent\.js: .*(Cannot find|not found)/i,
  },
  {
    name: 'has a syntax error',
    agent: { module: syntaxErrorModule },
    status: 'failed',
    error: /could not be loaded from file:.*syntax-error\.js: SyntaxError: Unexpected token/i,
  },
  {
    name: 'has no default export',
    agent: { module: fixtureAgent('no-default') },
    status: 'failed',
    error: /could not be loaded .*default export is undefined, expected a handler function/,
  },
  {
    name: 'returns a function',
    agent: { module: fixtureAgent('uncloneable') },
    status: 'failed',
    error: /return value cannot be sent between threads .*could not be cloned/,
  },
  {
    name: 'returns an object holding a function',
    agent: { module: fixtureAgent('uncloneable') },
    context: { nested: true },
    status: 'failed',
    error: /return value cannot be sent between threads .*could not be cloned/,
  },
];

const threads = new LiveThreads();
afterAll(() => {
  threads.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Node processes this test process started that are still running (worker processes, under process isolation). */
function childProcesses(): string[] {
  try {
    return execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,comm='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('node'));
  } catch {
    return []; // ps exits with 1 when there is no child at all
  }
}

const healthy = (id: string, dependencies: string[] = []): Task => ({
  id,
  agentType: 'cpu',
  context: { iterations: 2e5 },
  dependencies,
});

const faultyTask = (id: string, fault: Fault): Task => ({
  id,
  agentType: fault.name,
  context: fault.context ?? {},
  ...(fault.timeoutMs ? { timeoutMs: fault.timeoutMs } : {}),
});

describe.each([
  { isolation: 'thread' as const, faults: FAULTS },
  // A process dies of its heap limit too (process-heap.test.ts), but Tinypool cannot say it was memory.
  {
    isolation: 'process' as const,
    faults: FAULTS.filter((fault) => fault.agent.module !== fixtureAgent('heap-hog')),
  },
])('an agent that fails in every way a $isolation worker can', ({ isolation, faults }) => {
  let coordinator: AgentCoordinator;
  beforeAll(() => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 2,
      isolation,
      agents: {
        cpu: fixtureAgents.cpu!,
        ...Object.fromEntries(faults.map((fault) => [fault.name, fault.agent])),
      },
      // Low enough that the heap hog dies quickly; the healthy agents need far less.
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
    });
  });

  describe.each(faults)('when the agent $name', (fault) => {
    it('fails only its own task with a readable error, and the next workflow succeeds', async () => {
      const results = await coordinator.executeWorkflow([
        faultyTask('faulty', fault),
        healthy('sibling'),
        healthy('after-faulty', ['faulty']),
        healthy('after-sibling', ['sibling']),
      ]);
      const byId = new Map(results.map((result) => [result.taskId, result]));
      expect(byId.get('faulty')).toMatchObject({ status: fault.status, success: false, attempts: 1 });
      expect(byId.get('faulty')!.error).toMatch(fault.error);
      expect(byId.get('sibling')).toMatchObject({ status: 'completed' });
      expect(byId.get('after-sibling')).toMatchObject({ status: 'completed' });
      expect(byId.get('after-faulty')).toMatchObject({
        status: 'skipped',
        error: expect.stringContaining('"faulty"'),
      });

      // Enough tasks to need every worker, including any that replaced a dead one.
      const next = await coordinator.executeWorkflow(
        Array.from({ length: 6 }, (_, index) => healthy(`next-${index}`)),
      );
      expect(next.map((result) => result.status)).toEqual(Array(6).fill('completed'));
    });
  });

  it('fails each faulty task alone when all of them run in one workflow', async () => {
    const tasks = faults.flatMap((fault, index) => [
      faultyTask(`faulty-${index}`, fault),
      healthy(`healthy-${index}`),
    ]);
    const results = await coordinator.executeWorkflow(tasks);
    faults.forEach((fault, index) => {
      expect(results[2 * index]!.status).toBe(fault.status);
      expect(results[2 * index]!.error).toMatch(fault.error);
      expect(results[2 * index + 1]!.status).toBe('completed');
    });
  });

  it('leaves no worker behind after close()', async () => {
    const workers = () => (isolation === 'thread' ? threads.count : childProcesses().length);
    expect(workers()).toBeGreaterThan(0);
    await coordinator.close();
    expect(workers()).toBe(0);
  });
});
