import fc from 'fast-check';
import { AgentCoordinator, type FailurePolicy, type Task, TaskPriority, type TaskResult } from 'lingflow';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';

const PRIORITIES = Object.values(TaskPriority);

// One coordinator per pool size, reused across runs as users do (history carries over between them).
const coordinators = new Map<number, AgentCoordinator>();
const coordinatorWith = (threads: number) => {
  if (!coordinators.has(threads)) {
    coordinators.set(
      threads,
      new AgentCoordinator({
        maxParallelAgents: threads,
        agents: { cpu: fixtureAgents.cpu! },
        retryDelayMs: 1,
      }),
    );
  }
  return coordinators.get(threads)!;
};
afterAll(() => Promise.all([...coordinators.values()].map((coordinator) => coordinator.close())));

/** A small random workflow for a live run: how each task behaves, and when (if ever) to abort. */
const liveWorkflowArb = fc
  .record({
    tasks: fc.array(
      fc.record({
        deps: fc.uniqueArray(fc.nat(11), { maxLength: 3 }),
        priority: fc.constantFrom(...PRIORITIES),
        retries: fc.integer({ min: 0, max: 2 }),
        // 0: completes; 1–3: fails before that attempt; 9: always fails.
        failUntilAttempt: fc.constantFrom(0, 0, 0, 2, 3, 9),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    threads: fc.integer({ min: 1, max: 3 }),
    failurePolicy: fc.constantFrom<FailurePolicy>('continue', 'fail-fast'),
    abortAfterFinished: fc.option(fc.nat(8), { nil: undefined }),
  })
  .map(({ tasks, ...rest }) => ({
    ...rest,
    tasks: tasks.map(
      (spec, index): Task => ({
        id: `t${index}`,
        agentType: 'cpu',
        priority: spec.priority,
        retries: spec.retries,
        // Milliseconds of work: well above the size under which the driver batches tasks into one slot.
        context: {
          iterations: 2e6,
          ...(spec.failUntilAttempt === 9
            ? { fail: 'fails for good' }
            : { failUntilAttempt: spec.failUntilAttempt }),
        },
        dependencies: [...new Set(spec.deps.filter((dep) => dep < index))].map((dep) => `t${dep}`),
      }),
    ),
  }));

/**
 * The scheduler invariants again, on the live driver: real worker threads, real timers, events as the only
 * window. Fewer and smaller runs than the virtual-time properties, since each one really runs.
 */
describe('scheduler invariants on live runs with worker threads', () => {
  it('hold for random small workflows with failures, retries, both policies and aborts', async () => {
    await fc.assert(
      fc.asyncProperty(liveWorkflowArb, async ({ tasks, threads, failurePolicy, abortAfterFinished }) => {
        const coordinator = coordinatorWith(threads);
        const log: string[] = [];
        const running = new Set<string>();
        const starts = new Map<string, number>();
        const finished = new Map<string, TaskResult>();
        let haltedAfter: number | undefined;
        const startedAfterHalt = new Set<string>();
        const controller = new AbortController();
        const onStarted = ({ taskId, attempt }: { taskId: string; attempt: number }) => {
          const task = tasks.find((each) => each.id === taskId)!;
          starts.set(taskId, (starts.get(taskId) ?? 0) + 1);
          if (attempt !== starts.get(taskId)) log.push(`${taskId}: attempt ${attempt} out of step`);
          if (attempt > task.retries! + 1) log.push(`${taskId}: attempt ${attempt} beyond retries`);
          // A task handed to a thread ahead of time may have been taken just before the halt and be heard of
          // only with its answer: it must then have run to that answer, never be cancelled.
          if (haltedAfter !== undefined) startedAfterHalt.add(taskId);
          for (const dep of task.dependencies!) {
            if (finished.get(dep)?.status !== 'completed')
              log.push(`${taskId}: started before ${dep} completed`);
          }
          running.add(taskId);
          if (running.size > threads) log.push(`${running.size} tasks running on ${threads} threads`);
        };
        const onRetried = ({ taskId }: { taskId: string }) => running.delete(taskId);
        const onFinal = ({ result }: { result: TaskResult }) => {
          running.delete(result.taskId);
          if (finished.has(result.taskId)) log.push(`${result.taskId}: two final results`);
          finished.set(result.taskId, result);
          const failedForGood = result.status === 'failed' || result.status === 'timed_out';
          if (failedForGood && failurePolicy === 'fail-fast') haltedAfter ??= finished.size;
          if (abortAfterFinished !== undefined && finished.size === abortAfterFinished + 1) {
            haltedAfter ??= finished.size;
            controller.abort('test abort');
          }
        };
        coordinator.on('taskStarted', onStarted);
        coordinator.on('taskRetried', onRetried);
        coordinator.on('taskFinished', onFinal);
        coordinator.on('taskSkipped', onFinal);
        try {
          const results = await coordinator.executeWorkflow(tasks, {
            signal: controller.signal,
            failurePolicy,
          });
          expect(log).toEqual([]);
          for (const taskId of startedAfterHalt) {
            const independent = tasks.every((task) => task.dependencies!.length === 0);
            expect(
              independent,
              `${taskId} started after the halt in a workflow that prefetches nothing`,
            ).toBe(true);
            expect(finished.get(taskId)?.status).toMatch(/^(completed|failed)$/);
          }
          expect(results.map((result) => result.taskId)).toEqual(tasks.map((task) => task.id));
          for (const [index, result] of results.entries()) {
            const task = tasks[index]!;
            expect(finished.get(task.id)).toBe(result);
            expect(result.attempts).toBe(starts.get(task.id) ?? 0);
            const depStatuses = task.dependencies!.map((dep) => finished.get(dep)!.status);
            if (result.status === 'completed')
              expect(depStatuses.every((status) => status === 'completed')).toBe(true);
            if (result.status === 'skipped') {
              expect(failurePolicy === 'continue' || haltedAfter === undefined).toBe(true);
              expect(task.dependencies!.some((dep) => result.error?.includes(`"${dep}"`))).toBe(true);
            }
            if (haltedAfter === undefined) {
              expect(result.status).not.toBe('cancelled');
              if (depStatuses.every((status) => status === 'completed'))
                expect(result.attempts).toBeGreaterThan(0);
            }
          }
        } finally {
          coordinator.off('taskStarted', onStarted);
          coordinator.off('taskRetried', onRetried);
          coordinator.off('taskFinished', onFinal);
          coordinator.off('taskSkipped', onFinal);
        }
      }),
      { numRuns: 15 },
    );
  });
});
