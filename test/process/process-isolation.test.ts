import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentCoordinator, type TaskLogEvent, type TaskProgressEvent } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgent } from '../helpers.js';

const whoami = { module: fileURLToPath(new URL('./fixtures/whoami.js', import.meta.url)) };

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

const agents = {
  cpu: { module: fixtureAgent('cpu') },
  spin: { module: fixtureAgent('spin') },
  exit: { module: fixtureAgent('exit') },
  missing: { module: fixtureAgent('no-such-agent') },
  whoami,
};

describe("isolation: 'process'", () => {
  it('returns results and output files from a child process, not from this process or a thread', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, isolation: 'process', agents });
    const results = await coordinator.executeWorkflow([
      { id: 'a', agentType: 'cpu', context: { iterations: 1e5, outputFile: 'out/a.txt' } },
      { id: 'b', agentType: 'cpu', context: { iterations: 1e5 }, dependencies: ['a'] },
    ]);
    expect(results.map((result) => result.status)).toEqual(['completed', 'completed']);
    expect(results[0]!.outputFiles).toEqual(['out/a.txt']);
    const output = results[0]!.output as { taskId: string; checksum: number; workerId: number };
    expect(output.taskId).toBe('a');
    expect(output.checksum).toBeTypeOf('number');
    expect(coordinator.getAgentHistory('cpu').map((record) => record.workerId)).toContain(output.workerId);
    const [where] = await coordinator.executeWorkflow([{ id: 'where', agentType: 'whoami' }]);
    // A child process's own main thread ran the agent, and ctx.workerId is its pid.
    expect(where!.output).toMatchObject({ isMainThread: true });
    expect((where!.output as { pid: number }).pid).not.toBe(process.pid);
  });

  it('delivers progress and log lines from the process, before the task finishes', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, isolation: 'process', agents });
    const seen: string[] = [];
    coordinator.on('taskProgress', (event: TaskProgressEvent) =>
      seen.push(`progress ${event.taskId} ${event.fraction} ${event.message}`),
    );
    coordinator.on('taskLog', (event: TaskLogEvent) => seen.push(`log ${event.taskId} ${event.message}`));
    coordinator.on('taskFinished', ({ result }) => seen.push(`finished ${result.taskId}`));
    await coordinator.executeWorkflow([{ id: 'p', agentType: 'cpu', context: { progress: true } }]);
    expect(seen).toEqual(['log p starting p', 'progress p 0.5 halfway', 'progress p 1 done', 'finished p']);
  });

  it('times out a busy loop by killing its process, and the next task gets a fresh one', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, isolation: 'process', agents });
    const [stuck, after] = await coordinator.executeWorkflow([
      { id: 'stuck', agentType: 'spin', timeoutMs: 300 },
      { id: 'after', agentType: 'cpu', dependencies: ['stuck'] },
      { id: 'independent', agentType: 'cpu' },
    ]);
    expect(stuck).toMatchObject({ status: 'timed_out', success: false });
    expect(stuck!.error).toContain('timed out after 300 ms');
    expect(after!.status).toBe('skipped');
    const [independent] = await coordinator.executeWorkflow([{ id: 'again', agentType: 'cpu' }]);
    expect(independent!.status).toBe('completed');
  });

  it('fails a task whose process dies with a crash error, and keeps running the others', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, isolation: 'process', agents });
    const [crashed, fine, load] = await coordinator.executeWorkflow([
      { id: 'crash', agentType: 'exit' },
      { id: 'fine', agentType: 'cpu' },
      { id: 'load', agentType: 'missing' },
    ]);
    expect(crashed).toMatchObject({ status: 'failed' });
    expect(crashed!.error).toMatch(/worker running task "crash" crashed/);
    expect(fine!.status).toBe('completed');
    expect(load!.error).toMatch(/agent "missing" could not be loaded/);
  });

  it('cancels a running process task when the workflow is aborted', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, isolation: 'process', agents });
    const controller = new AbortController();
    coordinator.on('taskStarted', () => controller.abort('stop now'));
    const [spun] = await coordinator.executeWorkflow([{ id: 'spin', agentType: 'spin' }], {
      signal: controller.signal,
    });
    expect(spun).toMatchObject({ status: 'cancelled' });
  });

  it('stops an I/O agent in a shared process through ctx.signal when it times out', async () => {
    coordinator = new AgentCoordinator({
      isolation: 'process',
      agents: {
        waiter: { module: fileURLToPath(new URL('./fixtures/await-abort.js', import.meta.url)), kind: 'io' },
      },
    });
    const reasonFile = join(tmpdir(), `lingflow-abort-${process.pid}.txt`);
    try {
      const [waited] = await coordinator.executeWorkflow([
        { id: 'waits', agentType: 'waiter', timeoutMs: 200, context: { reasonFile } },
      ]);
      expect(waited).toMatchObject({ status: 'timed_out' });
      // The abort notice crossed the IPC channel to the agent, which was not killed but asked to stop.
      const deadline = Date.now() + 10_000;
      while (!existsSync(reasonFile) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(readFileSync(reasonFile, 'utf8')).toBe('timed out after 200 ms');
    } finally {
      rmSync(reasonFile, { force: true });
    }
  });

  it('runs only the agents that ask for it in processes when the coordinator uses threads', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 2,
      agents: { thread: whoami, isolated: { ...whoami, isolation: 'process' } },
    });
    const results = await coordinator.executeWorkflow([
      { id: 't', agentType: 'thread' },
      { id: 'p', agentType: 'isolated' },
    ]);
    const [inThread, inProcess] = results.map(
      (result) => result.output as { pid: number; isMainThread: boolean },
    );
    expect(inThread).toEqual({ pid: process.pid, isMainThread: false });
    expect(inProcess!.isMainThread).toBe(true);
    expect(inProcess!.pid).not.toBe(process.pid);
  });
});
