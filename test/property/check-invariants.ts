import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { criticalPathOrder } from '../../src/scheduling/dispatch-order.js';
import { SchedulerCore } from '../../src/scheduling/scheduler-core.js';
import type { SimulationResult } from '../../src/scheduling/simulate.js';
import { simulate } from '../../src/scheduling/simulate.js';
import type { TaskPriority, TaskStatus } from '../../src/types.js';
import type { WorkflowSpec } from './workflow-spec.js';

const PRIORITIES: readonly TaskPriority[] = ['low', 'normal', 'high', 'critical'];
const FAILED: ReadonlySet<TaskStatus> = new Set(['failed', 'timed_out', 'cancelled']);

/** What one checked run produced: the broken invariants (empty when all hold) and the simulation. */
export interface CheckedRun {
  violations: string[];
  statuses: (TaskStatus | undefined)[];
  simulation: SimulationResult;
}

/**
 * Runs a workflow through the real {@link SchedulerCore} with {@link simulate}, watching every state change
 * through the observer, and returns every scheduling rule it saw broken. The rules are restated here from
 * the specification rather than derived from the scheduler's code, so this is an independent oracle.
 */
export function runAndCheck(spec: WorkflowSpec): CheckedRun {
  const size = spec.tasks.length;
  const ids = spec.tasks.map((_, index) => `t${index}`);
  const graph = buildTaskGraph(
    spec.tasks.map((task, index) => ({ id: ids[index]!, dependencies: task.deps.map((dep) => ids[dep]!) })),
  );
  const order = criticalPathOrder(
    graph,
    spec.tasks.map((task) => PRIORITIES[task.priority]!),
    spec.tasks.map((task) => task.cost),
  );
  const kinds = spec.tasks.map((task) => task.kind);
  /** Current limits by kind; {@link WorkflowSpec.limitChanges} move them between dispatch rounds. */
  const limits = [spec.limits.cpu, spec.limits.io];
  const KIND_NAMES = ['cpu', 'io'] as const;
  const retryDelayMs = (failedAttempt: number) => spec.retryBaseMs * 2 ** (failedAttempt - 1);

  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 20) violations.push(message);
  };
  const statuses: (TaskStatus | undefined)[] = new Array(size);
  const settleCount = new Uint32Array(size);
  const starts = new Uint32Array(size);
  const completedAt = new Float64Array(size).fill(Number.NaN);
  const retryDueAt = new Float64Array(size).fill(Number.NaN);
  const running = new Set<number>();
  // A slot runs one task, or one batch of small tasks: slots are what the limits count.
  const batchOf = new Int32Array(size).fill(-1);
  const batchMembersRunning = new Map<number, number>();
  const slotsByKind = [0, 0];
  let haltedAt: number | undefined;
  let firstFinalFailureAt: number | undefined;

  // The order the specification asks for: priority class, then urgency (both larger first), then input order.
  const before = (a: number, b: number) =>
    order.priorityClass[a] !== order.priorityClass[b]
      ? order.priorityClass[a]! > order.priorityClass[b]!
      : order.urgency[a] !== order.urgency[b]
        ? order.urgency[a]! > order.urgency[b]!
        : a < b;

  const leaveRunning = (index: number) => {
    if (!running.delete(index)) return;
    const batch = batchOf[index]!;
    const left = batchMembersRunning.get(batch)! - 1;
    if (left > 0) batchMembersRunning.set(batch, left);
    else {
      batchMembersRunning.delete(batch);
      slotsByKind[kinds[index]!]!--;
    }
  };

  const core = new SchedulerCore({
    graph,
    order,
    kinds,
    maxAttempts: spec.tasks.map((task) => task.maxAttempts),
    limits: spec.limits,
    ...(spec.batching && {
      batching: {
        maxSize: spec.batching.maxSize,
        eligible: (index: number) => spec.tasks[index]!.batchable === true,
      },
    }),
    failurePolicy: spec.failurePolicy,
    retryDelayMs,
    observer: {
      taskStarted(index, attempt, now) {
        const id = ids[index];
        starts[index]!++;
        if (attempt !== starts[index]) fail(`${id}: attempt ${attempt} reported as start #${starts[index]}`);
        if (attempt > spec.tasks[index]!.maxAttempts) fail(`${id}: attempt ${attempt} beyond retries + 1`);
        if (haltedAt !== undefined) fail(`${id}: started at ${now} after the workflow halted at ${haltedAt}`);
        if (statuses[index] !== undefined) fail(`${id}: started after it settled as ${statuses[index]}`);
        if (now < retryDueAt[index]!) fail(`${id}: retry started at ${now}, before its delay ended`);
        for (const dep of graph.dependencies[index]!) {
          if (!(completedAt[dep]! <= now))
            fail(`${id}: started at ${now} before dependency ${ids[dep]} completed`);
        }
        running.add(index);
      },
      taskRetrying(index, nextAttempt, retryAt) {
        if (!running.has(index)) fail(`${ids[index]}: retrying without running`);
        leaveRunning(index);
        if (nextAttempt !== starts[index]! + 1)
          fail(`${ids[index]}: next attempt ${nextAttempt} out of step`);
        retryDueAt[index] = retryAt;
      },
      taskSettled(index, status, now, error) {
        const id = ids[index];
        settleCount[index]!++;
        if (settleCount[index]! > 1) fail(`${id}: settled twice (${statuses[index]}, then ${status})`);
        statuses[index] = status;
        if (status === 'completed') completedAt[index] = now;
        const wasRunning = running.has(index);
        leaveRunning(index);
        if ((status === 'completed' || status === 'failed' || status === 'timed_out') && !wasRunning) {
          fail(`${id}: ${status} without running`);
        }
        if (status === 'skipped') {
          if (wasRunning) fail(`${id}: skipped while running`);
          const culprits = graph.dependencies[index]!.filter(
            (dep) => FAILED.has(statuses[dep]!) || statuses[dep] === 'skipped',
          );
          if (culprits.length === 0) fail(`${id}: skipped though no dependency failed`);
          else if (!culprits.some((dep) => error?.includes(`"${ids[dep]}"`))) {
            fail(`${id}: skip reason "${error}" names no failed dependency`);
          }
        }
        if (status === 'cancelled' && haltedAt === undefined) fail(`${id}: cancelled without a halt`);
        if (haltedAt !== undefined && status !== 'cancelled' && status !== 'skipped' && now > haltedAt) {
          fail(`${id}: ${status} at ${now}, after the halt at ${haltedAt}`);
        }
        if ((status === 'failed' || status === 'timed_out') && firstFinalFailureAt === undefined) {
          firstFinalFailureAt = now;
        }
        if ((status === 'failed' || status === 'timed_out') && haltedAt === undefined) {
          if (starts[index] !== spec.tasks[index]!.maxAttempts)
            fail(`${id}: failed for good with retries left`);
        }
      },
      halted(_reason, runningNow) {
        const expected = [...running].sort((a, b) => a - b);
        if (expected.join() !== [...runningNow].sort((a, b) => a - b).join()) {
          fail(`halt reported running [${runningNow}] instead of [${expected}]`);
        }
      },
    },
  });

  // Wrapping two of the core's entry points checks that each dispatch round is work-conserving (no kind
  // left below its limit while tasks of that kind are ready), and records halts before their cancellations
  // (the core calls `this.halt` for fail-fast too).
  const original = { dispatch: core.dispatch.bind(core), halt: core.halt.bind(core) };
  let round = 0;
  core.dispatch = (now) => {
    for (const change of spec.limitChanges ?? []) {
      if (change.atRound !== round) continue;
      core.setLimit(KIND_NAMES[change.kind]!, change.limit);
      limits[change.kind] = change.limit;
    }
    round++;
    // What could start this round: ready tasks, and retries falling due now.
    const candidates = new Set<number>();
    for (let index = 0; index < size; index++) {
      const phase = core.phaseOf(index);
      if (phase === 'ready' || (phase === 'retrying' && retryDueAt[index]! <= now)) candidates.add(index);
    }
    const started = original.dispatch(now);
    // Replays the round slot by slot: a slot's first task must be the best-ranked candidate of any kind with
    // a free slot; a task batched with it must be the best-ranked candidate of its kind left.
    for (let first = 0; first < started.length; ) {
      const { batch, index } = started[first]!;
      let end = first + 1;
      while (end < started.length && started[end]!.batch === batch) end++;
      const members = started.slice(first, end).map((dispatch) => dispatch.index);
      const kind = kinds[index]!;
      if (members.length > 1) {
        const bad = members.filter((member) => !spec.tasks[member]!.batchable || kinds[member] !== kind);
        if (bad.length > 0)
          fail(`batch ${batch} holds tasks that may not share a slot: ${bad.map((m) => ids[m])}`);
        if (members.length > (spec.batching?.maxSize ?? 1))
          fail(`batch ${batch} has ${members.length} tasks`);
      }
      if (slotsByKind[kind]! >= limits[kind]!) {
        fail(
          `batch of ${ids[index]} started at ${now} with all ${limits[kind]} ${KIND_NAMES[kind]} slots busy`,
        );
      }
      members.forEach((member, position) => {
        if (!candidates.delete(member)) fail(`${ids[member]}: started at ${now} without being ready`);
        for (const other of candidates) {
          const otherKind = kinds[other]!;
          const couldInstead =
            otherKind === kind || (position === 0 && slotsByKind[otherKind]! < limits[otherKind]!);
          if (couldInstead && before(other, member)) {
            fail(`${ids[member]}: dispatched at ${now} while better-ranked ${ids[other]} was ready`);
          }
        }
      });
      slotsByKind[kind]!++;
      batchMembersRunning.set(batch, members.length);
      for (const member of members) batchOf[member] = batch;
      first = end;
    }
    for (let index = 0; index < size; index++) {
      const kind = kinds[index]!;
      if (core.phaseOf(index) === 'ready' && slotsByKind[kind]! < limits[kind]!) {
        fail(`${ids[index]}: left ready at ${now} with a free ${kind === 0 ? 'cpu' : 'io'} slot`);
      }
    }
    return started;
  };
  core.halt = (reason, now) => {
    haltedAt ??= now;
    return original.halt(reason, now);
  };

  const simulation = simulate(core, {
    attempt: (index, attempt) => spec.tasks[index]!.attempts[attempt - 1]!,
    ...(spec.abortAtMs === undefined ? {} : { abortAtMs: spec.abortAtMs }),
  });

  if (!core.finished) fail('simulation returned before every task settled');
  for (let index = 0; index < size; index++) {
    const id = ids[index];
    if (settleCount[index] !== 1) fail(`${id}: settled ${settleCount[index]} times`);
    if (core.attemptsOf(index) !== starts[index]) fail(`${id}: attemptsOf disagrees with starts`);
    const depsCompleted = graph.dependencies[index]!.every((dep) => statuses[dep] === 'completed');
    if (statuses[index] === 'completed' && !depsCompleted)
      fail(`${id}: completed though a dependency did not`);
    if (haltedAt === undefined && depsCompleted && starts[index] === 0) fail(`${id}: never started`);
    if (haltedAt === undefined && statuses[index] === 'skipped' && spec.failurePolicy === 'fail-fast') {
      fail(`${id}: skipped under fail-fast`);
    }
  }
  if (spec.failurePolicy === 'fail-fast' && firstFinalFailureAt !== undefined && haltedAt === undefined) {
    fail('fail-fast: a task failed for good but the workflow did not halt');
  }
  if (spec.failurePolicy === 'continue' && spec.abortAtMs === undefined && haltedAt !== undefined) {
    fail('continue: halted without an abort');
  }
  for (const span of simulation.spans) {
    if (span.endMs < span.startMs) fail(`${ids[span.index]}: span ends before it starts`);
  }
  return { violations, statuses, simulation };
}
