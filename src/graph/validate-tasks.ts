import type { ValidationIssue } from '../errors.js';
import type { Task } from '../types.js';
import { TaskPriority } from '../types.js';
import { buildTaskGraph, findCycles } from './task-graph.js';

/** What validation needs to know beyond the tasks themselves. */
export interface TaskRules {
  /** Agent types a task may name. */
  knownAgents: ReadonlySet<string>;
  /** Decides whether a task without `agentType` can be given one automatically, from its description. */
  canSelectAgent: (description: string | undefined) => boolean;
  /** When set, tasks may not have dependencies; the text says what to use instead. */
  forbidDependencies?: string;
  /** Extra per-task checks (e.g. compression settings), returning problems as `{ field, message }`. */
  extraChecks?: (task: Record<string, unknown>) => { field: string; message: string }[];
}

const TASK_FIELDS = new Set([
  'id',
  'description',
  'agentType',
  'context',
  'dependencies',
  'priority',
  'timeoutMs',
  'retries',
  'enableCompression',
  'compressionRatio',
  'maxContextTokens',
]);
/** Names users bring from the Python guide, and what they are called here. */
const RENAMED_FIELDS: Readonly<Record<string, string>> = {
  agent_type: 'agentType',
  timeout: 'timeoutMs (milliseconds)',
  max_retries: 'retries',
  enable_compression: 'enableCompression',
  compression_ratio: 'compressionRatio',
};
const PRIORITIES = new Set<string>(Object.values(TaskPriority));
/** Retrying more than this is a mistake rather than a policy. */
const MAX_RETRIES = 100;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a task list completely and reports every problem at once: field types and values, empty and
 * duplicate ids, unknown and self dependencies, unknown agents, and dependency cycles with their path.
 * Never throws, never mutates the input.
 */
export function validateTasks(input: unknown, rules: TaskRules): ValidationIssue[] {
  if (!Array.isArray(input))
    return [{ field: 'tasks', message: `expected an array of tasks, got ${describe(input)}` }];
  const issues: ValidationIssue[] = [];
  const firstIndexOf = new Map<string, number>();
  input.forEach((task, index) => {
    if (isRecord(task) && typeof task.id === 'string' && task.id !== '' && !firstIndexOf.has(task.id)) {
      firstIndexOf.set(task.id, index);
    }
  });

  input.forEach((candidate, index) => {
    const report = (field: string, message: string) => {
      const taskId =
        isRecord(candidate) && typeof candidate.id === 'string' && candidate.id !== ''
          ? candidate.id
          : undefined;
      issues.push(taskId === undefined ? { index, field, message } : { index, taskId, field, message });
    };
    if (!isRecord(candidate)) {
      report('task', `expected an object, got ${describe(candidate)}`);
      return;
    }
    checkTask(candidate, index, rules, firstIndexOf, report);
  });

  if (issues.length === 0) {
    const graph = buildTaskGraph(input as Task[]);
    for (const cycle of findCycles(graph)) {
      issues.push({
        taskId: cycle[0],
        index: graph.indexOf.get(cycle[0]!),
        field: 'dependencies',
        message: `dependency cycle: ${cycle.map((id) => `"${id}"`).join(' → ')} (each depends on the next)`,
      });
    }
  }
  return issues;
}

function checkTask(
  task: Record<string, unknown>,
  index: number,
  rules: TaskRules,
  firstIndexOf: ReadonlyMap<string, number>,
  report: (field: string, message: string) => void,
): void {
  for (const key of Object.keys(task)) {
    if (TASK_FIELDS.has(key)) continue;
    // hasOwn: a key such as `constructor` must not find Object.prototype's members.
    const renamed = Object.hasOwn(RENAMED_FIELDS, key) ? RENAMED_FIELDS[key] : undefined;
    report(key, renamed ? `unknown field; did you mean ${renamed}?` : 'unknown field');
  }

  const { id } = task;
  if (typeof id !== 'string') report('id', `expected a string, got ${describe(id)}`);
  else if (id === '') report('id', 'must not be empty');
  else if (firstIndexOf.get(id) !== index)
    report('id', `duplicate id, first used by the task at index ${firstIndexOf.get(id)}`);

  if (task.description !== undefined && typeof task.description !== 'string') {
    report('description', `expected a string, got ${describe(task.description)}`);
  }

  if (task.agentType !== undefined) {
    if (typeof task.agentType !== 'string')
      report('agentType', `expected a string, got ${describe(task.agentType)}`);
    else if (!rules.knownAgents.has(task.agentType)) {
      const known = [...rules.knownAgents].map((name) => `"${name}"`).join(', ') || 'none are registered';
      report('agentType', `unknown agent "${task.agentType}" (known: ${known})`);
    }
  } else if (!rules.canSelectAgent(typeof task.description === 'string' ? task.description : undefined)) {
    report(
      'agentType',
      'missing, and no agent matches the description; set agentType, or defaultAgent on the coordinator',
    );
  }

  if (task.context !== undefined) checkContext(task.context, report);
  checkDependencies(task, rules, firstIndexOf, report);

  if (task.priority !== undefined && !PRIORITIES.has(task.priority as string)) {
    report('priority', `expected one of ${[...PRIORITIES].join(', ')}, got ${describe(task.priority)}`);
  }
  if (task.timeoutMs !== undefined) {
    const { timeoutMs } = task;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      report('timeoutMs', `expected a positive number of milliseconds, got ${describe(timeoutMs)}`);
    }
  }
  if (task.retries !== undefined) {
    const { retries } = task;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
      report('retries', `expected a whole number from 0 to ${MAX_RETRIES}, got ${describe(retries)}`);
    }
  }
  for (const { field, message } of rules.extraChecks?.(task) ?? []) report(field, message);
}

function checkContext(context: unknown, report: (field: string, message: string) => void): void {
  if (!isRecord(context)) {
    report('context', `expected an object, got ${describe(context)}`);
    return;
  }
  try {
    structuredClone(context);
  } catch (error) {
    report(
      'context',
      `cannot be sent to a worker thread: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function checkDependencies(
  task: Record<string, unknown>,
  rules: TaskRules,
  firstIndexOf: ReadonlyMap<string, number>,
  report: (field: string, message: string) => void,
): void {
  const { dependencies } = task;
  if (dependencies === undefined) return;
  if (!Array.isArray(dependencies)) {
    report('dependencies', `expected an array of task ids, got ${describe(dependencies)}`);
    return;
  }
  if (rules.forbidDependencies && dependencies.length > 0) {
    report('dependencies', rules.forbidDependencies);
    return;
  }
  const seen = new Set<string>();
  dependencies.forEach((dependency, position) => {
    const field = `dependencies[${position}]`;
    if (typeof dependency !== 'string') report(field, `expected a task id, got ${describe(dependency)}`);
    else if (dependency === task.id) report(field, 'a task cannot depend on itself');
    else if (!firstIndexOf.has(dependency)) report(field, `unknown task "${dependency}"`);
    else if (seen.has(dependency)) report(field, `"${dependency}" is listed twice`);
    if (typeof dependency === 'string') seen.add(dependency);
  });
}

/**
 * A short description of a bad value for error messages, without echoing huge inputs, and safe on any
 * value (`String()` throws on objects without a usable `toString`).
 */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

export { describe as describeValue };
