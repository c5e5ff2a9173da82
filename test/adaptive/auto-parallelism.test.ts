import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import {
  AgentCoordinator,
  type CoordinatorStatus,
  type ParallelismChangedEvent,
  type Task,
  ValidationError,
} from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';

let coordinator: AgentCoordinator | undefined;
const hogs: ChildProcess[] = [];
afterEach(async () => {
  for (const hog of hogs.splice(0)) hog.kill('SIGKILL');
  await coordinator?.close();
  coordinator = undefined;
});

const burnTasks = (count: number, iterations: number): Task[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `t${index}`,
    agentType: 'cpu',
    context: { iterations },
  }));

/** Another program keeping one core busy, in its own session as a separately started program would be. */
function startCpuHog(): ChildProcess {
  const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { detached: true, stdio: 'ignore' });
  hogs.push(hog);
  return hog;
}

describe("maxParallelAgents: 'auto'", () => {
  it('runs a workflow with one thread per core while the controller decides every interval', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 'auto',
      controlIntervalMs: 40,
      agents: { cpu: fixtureAgents.cpu! },
    });
    const subject = coordinator;
    const changes: ParallelismChangedEvent[] = [];
    const statuses: CoordinatorStatus[] = [];
    subject.on('parallelismChanged', (event) => changes.push(event));
    subject.on('taskFinished', () => statuses.push(subject.getStatus()));

    const results = await subject.executeWorkflow(burnTasks(40, 3e6));

    expect(results.every((result) => result.status === 'completed')).toBe(true);
    expect(subject.maxParallelAgents).toBe(availableParallelism());
    const final = subject.getStatus();
    expect(final.controller!.intervals).toBeGreaterThanOrEqual(3);
    for (const status of statuses) {
      expect(status.parallelismLimit).toBe(status.controller!.limit);
      expect(status.parallelismLimit).toBeGreaterThanOrEqual(1);
      expect(status.parallelismLimit).toBeLessThanOrEqual(subject.maxParallelAgents);
      expect(status.busyAgents).toBeLessThanOrEqual(subject.maxParallelAgents);
    }
    for (const change of changes) {
      expect(change.limit).not.toBe(change.previousLimit);
      expect(['grow', 'back-off', 'undo-grow']).toContain(change.action);
      expect(change.limit).toBeLessThanOrEqual(subject.maxParallelAgents);
    }
    if (changes.length > 0) expect(final.controller!.lastChange).toEqual(changes.at(-1));
  });

  it('backs off when other programs take every core, undoing it only after measuring a loss', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 'auto',
      controlIntervalMs: 50,
      agents: { cpu: fixtureAgents.cpu! },
    });
    const subject = coordinator;
    const initialLimit = subject.getStatus().parallelismLimit;
    const changes: ParallelismChangedEvent[] = [];
    subject.on('parallelismChanged', (event) => changes.push(event));
    // Tasks are handed to the pool ahead of a free thread; the pool starts one only below the limit.
    const overruns: string[] = [];
    subject.on('taskStarted', ({ taskId }) => {
      const { busyAgents, parallelismLimit } = subject.getStatus();
      if (busyAgents > parallelismLimit)
        overruns.push(`${taskId}: ${busyAgents} running, limit ${parallelismLimit}`);
    });
    for (let core = 0; core < availableParallelism(); core++) startCpuHog();

    const results = await subject.executeWorkflow(burnTasks(24, 4e6));

    expect(results.every((result) => result.status === 'completed')).toBe(true);
    if (initialLimit > 1) expect(changes[0]).toMatchObject({ action: 'back-off', limit: 1 });
    expect(overruns).toEqual([]);
    // Whether the back-off stays depends on how the kernel shares the CPU; each undo must follow a back-off.
    changes.forEach((change, index) => {
      if (change.action === 'undo-back-off') {
        expect(changes[index - 1]).toMatchObject({ action: 'back-off', previousLimit: change.limit });
      }
    });
  });

  it('rejects a control interval that is not a positive duration', () => {
    expect(
      () =>
        new AgentCoordinator({
          maxParallelAgents: 'auto',
          controlIntervalMs: -5,
          agents: { cpu: fixtureAgents.cpu! },
        }),
    ).toThrow(ValidationError);
  });
});
