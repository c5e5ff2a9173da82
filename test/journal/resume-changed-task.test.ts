import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCoordinator, JournalError, type Task, type TaskResult, ValidationError } from 'lingflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'lingflow-resume-'));
let coordinator: AgentCoordinator;
beforeAll(() => {
  coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents: { cpu: fixtureAgents.cpu! } });
});
afterAll(async () => {
  await coordinator.close();
  rmSync(scratch, { recursive: true, force: true });
});

const workflow = (bIterations: number): Task[] => [
  { id: 'a', agentType: 'cpu', context: { iterations: 1e4 } },
  { id: 'b', agentType: 'cpu', context: { iterations: bIterations }, dependencies: ['a'] },
  { id: 'c', agentType: 'cpu', context: { iterations: 1e4 }, dependencies: ['b'] },
  { id: 'd', agentType: 'cpu', context: { iterations: 1e4 } },
  { id: 'e', agentType: 'cpu', context: { fail: 'fails every time' } },
];
/** How the first run of these tasks ends: "e" always fails. */
const FIRST_RUN = ['completed', 'completed', 'completed', 'completed', 'failed'];
const resumedIds = (results: TaskResult[]) => results.filter((result) => result.resumed).map((r) => r.taskId);

describe('executeWorkflow with a journal', () => {
  it('reruns a changed task and its dependents, and failed tasks, but nothing else', async () => {
    const journal = join(scratch, 'changed.journal');
    const first = await coordinator.executeWorkflow(workflow(1e4), { journal });
    expect(first.map((result) => result.status)).toEqual(FIRST_RUN);
    expect(resumedIds(first)).toEqual([]);

    const changed = await coordinator.executeWorkflow(workflow(2e4), { journal });
    expect(resumedIds(changed)).toEqual(['a', 'd']);
    expect(changed.slice(0, 4).every((result) => result.status === 'completed')).toBe(true);
    expect(changed[1]!.output).not.toEqual(first[1]!.output);
    expect(changed[0]).toEqual({ ...first[0], resumed: true });
    expect(changed[4]).toMatchObject({ status: 'failed', attempts: 1 });

    const again = await coordinator.executeWorkflow(workflow(2e4), { journal });
    expect(resumedIds(again)).toEqual(['a', 'b', 'c', 'd']);
    expect(again[1]!.output).toEqual(changed[1]!.output);
  });

  it('resumes independent tasks run with executeTasksParallel too', async () => {
    const journal = join(scratch, 'parallel.journal');
    const tasks = workflow(1e4).map(({ dependencies: _, ...task }) => task);
    const first = await coordinator.executeTasksParallel(tasks, { journal });
    expect(first.map((result) => result.status)).toEqual(FIRST_RUN);
    const again = await coordinator.executeTasksParallel(tasks, { journal });
    expect(resumedIds(again)).toEqual(['a', 'b', 'c', 'd']);
    expect(again[0]).toEqual({ ...first[0], resumed: true });
    expect(again[4]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('refuses a file that is not a journal before running anything', async () => {
    const path = join(scratch, 'notes.txt');
    writeFileSync(path, 'my notes\n');
    const started: string[] = [];
    coordinator.on('taskStarted', (event) => started.push(event.taskId));
    await expect(coordinator.executeWorkflow(workflow(1e4), { journal: path })).rejects.toBeInstanceOf(
      JournalError,
    );
    expect(started).toEqual([]);
    await expect(coordinator.executeWorkflow(workflow(1e4), { journal: '' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
