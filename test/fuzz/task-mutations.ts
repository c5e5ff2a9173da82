import fc from 'fast-check';

/** A problem injected into a task, and where validation must report it. */
export interface ExpectedIssue {
  index: number;
  field: string;
}

/** A task list with problems injected, and the problems validation must list (it may list more). */
export interface MutatedWorkflow {
  tasks: unknown[];
  expected: ExpectedIssue[];
}

type Task = Record<string, unknown>;
/** Breaks one task (or asks for it to be replaced); returns the field validation must name. */
type Mutation = (task: Task, index: number, tasks: Task[]) => { replace?: unknown; field: string };

/** Ids that are valid but hostile: prototype names, control and invisible characters, lone surrogates. */
export const hostileIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    '\u0000',
    '\uD800',
    'a\u200Bb',
    'e\u0301',
    'é',
    '𝔘𝔫𝔦',
    'שלום',
    ' ',
    '../x',
    '"quoted"\n',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
);

const oneOf = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** Each mutation with the values it may inject. */
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  oneOf([null, 7, 'task', [], true]).map<Mutation>((value) => () => ({ replace: value, field: 'task' })),
  oneOf([42, null, {}, [], true, '']).map<Mutation>((value) => (task) => {
    task.id = value;
    return { field: 'id' };
  }),
  fc.constant<Mutation>((task, index, tasks) => {
    const first = tasks[0]?.id;
    // The first task's id may itself be broken; an empty id is then the problem injected instead.
    task.id = index > 0 && typeof first === 'string' ? first : '';
    return { field: 'id' };
  }),
  oneOf([
    Number.NaN,
    -1,
    0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    '100',
    null,
    {},
  ]).map<Mutation>((value) => (task) => {
    task.timeoutMs = value;
    return { field: 'timeoutMs' };
  }),
  oneOf([-1, 1.5, Number.NaN, '2', 1e9, Number.POSITIVE_INFINITY, null]).map<Mutation>((value) => (task) => {
    task.retries = value;
    return { field: 'retries' };
  }),
  fc.constant<Mutation>((task) => {
    const dependencies = [...((task.dependencies as string[]) ?? []), task.id as string];
    task.dependencies = dependencies;
    return { field: `dependencies[${dependencies.length - 1}]` };
  }),
  hostileIdArb.map<Mutation>((id) => (task) => {
    task.dependencies = [`missing:${id}`];
    return { field: 'dependencies[0]' };
  }),
  oneOf(['t0', {}, 5, null]).map<Mutation>((value) => (task) => {
    task.dependencies = value;
    return { field: 'dependencies' };
  }),
  oneOf([5, null, {}, ['t0']]).map<Mutation>((value) => (task) => {
    task.dependencies = [value];
    return { field: 'dependencies[0]' };
  }),
  oneOf(['urgent', 5, null, 'HIGH']).map<Mutation>((value) => (task) => {
    task.priority = value;
    return { field: 'priority' };
  }),
  oneOf(['text', [], 5, null, () => 1, { fn: () => 1 }, { symbol: Symbol('s') }]).map<Mutation>(
    (value) => (task) => {
      task.context = value;
      return { field: 'context' };
    },
  ),
  oneOf(['__proto__', 'constructor', 'prototype', 'timeout', 'agent_type', 'évalué', '']).map<Mutation>(
    (key) => (task) => {
      // defineProperty makes even `__proto__` an own key, as JSON.parse does.
      Object.defineProperty(task, key, { value: { polluted: true }, enumerable: true, configurable: true });
      return { field: key };
    },
  ),
  oneOf(['nobody', '__proto__', 'constructor', 5, null]).map<Mutation>((value) => (task) => {
    task.agentType = value;
    return { field: 'agentType' };
  }),
  oneOf([5, {}, null]).map<Mutation>((value) => (task) => {
    task.description = value;
    return { field: 'description' };
  }),
);

/**
 * A valid workflow (each task may depend on earlier ones) with at least one task broken by a random
 * mutation; at most one mutation per task, so each expected issue is unambiguous.
 */
export function mutatedWorkflowArb(): fc.Arbitrary<MutatedWorkflow> {
  return fc
    .array(
      fc.record({
        deps: fc.uniqueArray(fc.nat(7), { maxLength: 3 }),
        mutation: fc.option(mutationArb, { freq: 2, nil: undefined }),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .filter((specs) => specs.some((spec) => spec.mutation !== undefined))
    .map((specs) => {
      const tasks: unknown[] = specs.map(
        (spec, index): Task => ({
          id: `t${index}`,
          agentType: 'cpu',
          dependencies: [...new Set(spec.deps.filter((dep) => dep < index).map((dep) => `t${dep}`))],
        }),
      );
      const expected: ExpectedIssue[] = [];
      specs.forEach((spec, index) => {
        if (!spec.mutation) return;
        const outcome = spec.mutation(tasks[index] as Task, index, tasks as Task[]);
        if ('replace' in outcome) tasks[index] = outcome.replace;
        expected.push({ index, field: outcome.field });
      });
      return { tasks, expected };
    });
}
