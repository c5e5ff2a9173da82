import fc from 'fast-check';
import { AgentCoordinator, type Task, ValidationError } from 'lingflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateTasks } from '../../src/graph/validate-tasks.js';
import { fixtureAgents } from '../helpers.js';
import { assertPrototypesUntouched, snapshotPrototypes } from './prototype-guard.js';
import { hostileIdArb, mutatedWorkflowArb } from './task-mutations.js';

const rules = {
  knownAgents: new Set(['cpu']),
  canSelectAgent: () => false,
};

let coordinator: AgentCoordinator;
const guard = snapshotPrototypes();
beforeAll(() => {
  coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents: { cpu: fixtureAgents.cpu! } });
});
afterAll(() => coordinator.close());
afterEach(() => assertPrototypesUntouched(guard));

describe('hostile and malformed task lists', () => {
  it('list every injected problem in one ValidationError, without starting anything', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedWorkflowArb(), async ({ tasks, expected }) => {
        const error = await coordinator.executeWorkflow(tasks as Task[]).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ValidationError);
        const { issues } = error as ValidationError;
        const found = new Set(issues.map((issue) => `${issue.index}:${issue.field}`));
        for (const { index, field } of expected) expect(found).toContain(`${index}:${field}`);
        for (const issue of issues) expect(issue.message).toMatch(/\S/);
        expect((error as ValidationError).message).toContain(`${issues.length} problem`);
        assertPrototypesUntouched(guard);
      }),
      { numRuns: 300 },
    );
    expect(coordinator.getStatus().runningTasks).toEqual([]);
  });

  it('never throws on arbitrary values, and returns issues a ValidationError can describe', () => {
    const anyTask = fc.oneof(
      fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true }),
      fc.dictionary(
        fc.constantFrom('id', 'dependencies', 'context', 'timeoutMs', 'retries', '__proto__', 'constructor'),
        fc.anything(),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(anyTask, { maxLength: 8 })), (input) => {
        const issues = validateTasks(input, rules);
        if (issues.length > 0) expect(new ValidationError(issues).message).toContain('problem');
        assertPrototypesUntouched(guard);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects a task list that is not a list', async () => {
    for (const input of [null, undefined, 'tasks', 42, { 0: { id: 'a' } }]) {
      await expect(coordinator.executeWorkflow(input as unknown as Task[])).rejects.toMatchObject({
        name: 'ValidationError',
        issues: [{ field: 'tasks' }],
      });
    }
  });

  it('names the field a user brought from the Python guide, but not Object.prototype members', () => {
    const task = JSON.parse(
      '{"id":"a","agentType":"cpu","max_retries":2,"constructor":1,"toString":2,"__proto__":{"polluted":true}}',
    );
    const issues = validateTasks([task], rules);
    expect(issues.map((issue) => [issue.field, issue.message])).toEqual([
      ['max_retries', 'unknown field; did you mean retries?'],
      ['constructor', 'unknown field'],
      ['toString', 'unknown field'],
      ['__proto__', 'unknown field'],
    ]);
  });

  it('reports a dependency cycle among hostile ids with its path', () => {
    const tasks = [
      { id: '__proto__', agentType: 'cpu', dependencies: ['constructor'] },
      { id: 'constructor', agentType: 'cpu', dependencies: ['💥\u0301'] },
      { id: '💥\u0301', agentType: 'cpu', dependencies: ['__proto__'] },
    ];
    const issues = validateTasks(tasks, rules);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('"__proto__" → "constructor" → "💥\u0301" → "__proto__"');
  });

  it('accepts a huge context with prototype-named keys and still lists the other problems', () => {
    const context = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    context.text = 'x'.repeat(8_000_000);
    const issues = validateTasks(
      [
        { id: 'big', agentType: 'cpu', context },
        { id: 'bad', agentType: 'cpu', timeoutMs: Number.NaN, retries: -1 },
      ],
      rules,
    );
    expect(issues.map((issue) => `${issue.taskId}:${issue.field}`)).toEqual(['bad:timeoutMs', 'bad:retries']);
    expect(issues[0]!.message).toContain('NaN');
  });

  it('rejects invalid workflow options with a ValidationError', async () => {
    const tasks: Task[] = [{ id: 'a', agentType: 'cpu' }];
    await expect(
      coordinator.executeWorkflow(tasks, {
        failurePolicy: 'stop' as never,
        signal: {} as AbortSignal,
      }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ field: 'failurePolicy' }, { field: 'signal' }],
    });
  });

  it('runs a workflow whose ids are prototype names and unusual unicode, keeping each result apart', async () => {
    const ids = fc.sample(hostileIdArb, { numRuns: 12, seed: 7 });
    const names = [...new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', ...ids])];
    const tasks: Task[] = names.map((id, index) => ({
      id,
      agentType: 'cpu',
      context: { iterations: 10 },
      dependencies: index === 0 ? [] : [names[index - 1]!],
    }));
    const results = await coordinator.executeWorkflow(tasks);
    expect(results.map((result) => [result.taskId, result.status])).toEqual(
      names.map((id) => [id, 'completed']),
    );
    expect(results.map((result) => (result.output as { taskId: string }).taskId)).toEqual(names);
  });
});
