import fc from 'fast-check';
import type { SimulatedAttempt } from '../../src/scheduling/simulate.js';
import type { FailurePolicy } from '../../src/types.js';

/** One task of a random workflow, in index form. */
export interface TaskSpec {
  /** Indices of the tasks this one waits on. */
  deps: number[];
  /** 0 (low) to 3 (critical). */
  priority: number;
  /** Estimated cost, feeding the critical-path urgency. */
  cost: number;
  /** 0 = CPU, 1 = I/O. */
  kind: number;
  maxAttempts: number;
  /** How attempt 1, 2, … goes; at least `maxAttempts` entries. */
  attempts: SimulatedAttempt[];
  /** May share a slot with other small tasks when the workflow batches. */
  batchable?: boolean;
}

/** A concurrency limit changed (as the adaptive controller does) before the given dispatch round. */
export interface LimitChange {
  atRound: number;
  /** 0 = CPU, 1 = I/O. */
  kind: number;
  limit: number;
}

/** A random workflow plus everything the scheduler is configured with. */
export interface WorkflowSpec {
  tasks: TaskSpec[];
  limits: { cpu: number; io: number };
  failurePolicy: FailurePolicy;
  retryBaseMs: number;
  abortAtMs?: number;
  /** Small ready tasks may share a slot, up to this many. */
  batching?: { maxSize: number };
  limitChanges?: LimitChange[];
}

const MAX_ATTEMPTS = 4;

const attemptArb: fc.Arbitrary<SimulatedAttempt> = fc.record({
  // Small durations make many events fall on the same instant, where ordering bugs hide.
  durationMs: fc.integer({ min: 0, max: 20 }),
  outcome: fc.oneof(
    { weight: 6, arbitrary: fc.constant('completed' as const) },
    { weight: 2, arbitrary: fc.constant('failed' as const) },
    { weight: 1, arbitrary: fc.constant('timed_out' as const) },
  ),
});

/**
 * Small workflows built entirely from fast-check values, so a failing case shrinks to a minimal one.
 * Task `i` may depend only on tasks before it, which keeps the graph acyclic; the input order then follows
 * each task's random sort key, so that it is not a topological order.
 */
export function smallWorkflowArb(maxTasks = 40): fc.Arbitrary<WorkflowSpec> {
  const taskArb = fc.record({
    deps: fc.uniqueArray(fc.nat(maxTasks), { maxLength: 4 }),
    sortKey: fc.nat(),
    priority: fc.integer({ min: 0, max: 3 }),
    cost: fc.integer({ min: 1, max: 10 }),
    kind: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    maxAttempts: fc.integer({ min: 1, max: MAX_ATTEMPTS }),
    attempts: fc.array(attemptArb, { minLength: MAX_ATTEMPTS, maxLength: MAX_ATTEMPTS }),
    batchable: fc.boolean(),
  });
  return fc
    .record({
      tasks: fc.array(taskArb, { minLength: 1, maxLength: maxTasks }),
      limits: fc.record({ cpu: fc.integer({ min: 1, max: 6 }), io: fc.integer({ min: 1, max: 6 }) }),
      failurePolicy: fc.constantFrom<FailurePolicy>('continue', 'fail-fast'),
      retryBaseMs: fc.integer({ min: 0, max: 10 }),
      abortAtMs: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      batching: fc.option(fc.record({ maxSize: fc.integer({ min: 2, max: 5 }) }), { nil: undefined }),
      limitChanges: fc.array(
        fc.record({
          atRound: fc.nat(30),
          kind: fc.integer({ min: 0, max: 1 }),
          limit: fc.integer({ min: 1, max: 6 }),
        }),
        { maxLength: 3 },
      ),
    })
    .map(({ tasks, abortAtMs, batching, ...rest }) => {
      const acyclic = tasks.map(({ deps, sortKey: _, ...task }, index) => ({
        ...task,
        deps: index === 0 ? [] : [...new Set(deps.map((dep) => dep % index))],
      }));
      const byKey = tasks.map((_, index) => index).sort((a, b) => tasks[a]!.sortKey - tasks[b]!.sortKey);
      const order: number[] = [];
      byKey.forEach((generated, position) => {
        order[generated] = position;
      });
      return {
        ...rest,
        ...(abortAtMs === undefined ? {} : { abortAtMs }),
        ...(batching === undefined ? {} : { batching }),
        tasks: reorder(acyclic, order),
      };
    });
}

/** Parameters of a large workflow; the tasks themselves come from a seeded generator, to stay fast. */
export interface LargeWorkflowParams {
  seed: number;
  size: number;
  /** Average dependencies per task. */
  density: number;
  failureRate: number;
  limits: { cpu: number; io: number };
  failurePolicy: FailurePolicy;
  abortAtMs?: number;
  batching: boolean;
}

/**
 * Parameters of large workflows (thousands of tasks); {@link largeWorkflow} builds them. Shrinking and
 * counterexamples stay on these few numbers rather than on thousands of tasks.
 */
export function largeWorkflowParamsArb(minSize: number, maxSize: number): fc.Arbitrary<LargeWorkflowParams> {
  return fc.record({
    seed: fc.integer(),
    size: fc.integer({ min: minSize, max: maxSize }),
    density: fc.double({ min: 0, max: 4, noNaN: true }),
    failureRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
    limits: fc.record({ cpu: fc.integer({ min: 1, max: 64 }), io: fc.integer({ min: 1, max: 256 }) }),
    failurePolicy: fc.constantFrom<FailurePolicy>('continue', 'fail-fast'),
    abortAtMs: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
    batching: fc.boolean(),
  });
}

/** Builds a large workflow deterministically from its parameters. */
export function largeWorkflow(params: LargeWorkflowParams): WorkflowSpec {
  const random = xorshift(params.seed);
  const pick = (below: number) => Math.floor(random() * below);
  const tasks: TaskSpec[] = [];
  for (let index = 0; index < params.size; index++) {
    const deps = new Set<number>();
    // Mostly recent tasks, sometimes far back: long chains and wide fan-ins both occur.
    const wanted = index === 0 ? 0 : pick(Math.ceil(params.density * 2) + 1);
    for (let n = 0; n < wanted; n++) {
      const back = random() < 0.8 ? 1 + pick(Math.min(index, 20)) : 1 + pick(index);
      deps.add(index - back);
    }
    const maxAttempts = 1 + pick(MAX_ATTEMPTS);
    tasks.push({
      deps: [...deps],
      priority: pick(4),
      cost: 1 + pick(100),
      kind: random() < 0.25 ? 1 : 0,
      batchable: random() < 0.5,
      maxAttempts,
      attempts: Array.from({ length: MAX_ATTEMPTS }, () => ({
        durationMs: pick(100),
        outcome:
          random() >= params.failureRate ? 'completed' : random() < 0.7 ? 'failed' : ('timed_out' as const),
      })),
    });
  }
  const order = Array.from({ length: params.size }, (_, index) => index);
  for (let index = order.length - 1; index > 0; index--) {
    const other = pick(index + 1);
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return {
    tasks: reorder(tasks, order),
    limits: params.limits,
    failurePolicy: params.failurePolicy,
    retryBaseMs: 1 + pick(50),
    ...(params.abortAtMs === undefined ? {} : { abortAtMs: params.abortAtMs }),
    ...(params.batching ? { batching: { maxSize: 2 + pick(63) } } : {}),
    limitChanges: Array.from({ length: pick(4) }, () => ({
      atRound: pick(params.size),
      kind: pick(2),
      limit: 1 + pick(64),
    })),
  };
}

/** Moves generated task `i` to input position `order[i]`, renumbering its dependencies to match. */
function reorder(tasks: readonly TaskSpec[], order: readonly number[]): TaskSpec[] {
  const placed: TaskSpec[] = new Array(tasks.length);
  tasks.forEach((task, index) => {
    placed[order[index]!] = { ...task, deps: task.deps.map((dep) => order[dep]!) };
  });
  return placed;
}

function xorshift(seed: number): () => number {
  let state = seed | 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
