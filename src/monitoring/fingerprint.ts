import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { LingflowError } from '../errors.js';
import { buildTaskGraph } from '../graph/task-graph.js';
import type { Task } from '../types.js';

/** The parts of a task that decide what it computes, and so what its fingerprint covers. */
export type FingerprintedTask = Pick<Task, 'id' | 'agentType' | 'description' | 'context' | 'dependencies'>;

/** Fingerprints of a workflow and of each of its tasks, as lowercase SHA-256 hex strings. */
export interface WorkflowFingerprints {
  /** Covers every task; the same for the same set of tasks in any input order. */
  workflow: string;
  /** One per task, in input order. */
  tasks: string[];
}

const TASK_DOMAIN = 'lingflow-task/1\0';
const WORKFLOW_DOMAIN = 'lingflow-workflow/1\0';

/**
 * Fingerprints each task from its id, agent type, description and context (any structured-clone-able
 * value, hashed canonically: object keys sorted, `-0`, `NaN`, `BigInt`, `Date`, `Map`, typed arrays and
 * cycles all told apart) together with the fingerprints of its dependencies. A change to a task therefore
 * changes its own fingerprint and those of everything downstream, and nothing else.
 *
 * Priority, timeout and retries are left out: they change how a task is run, not what it computes. So is
 * the agent's module path, which differs between machines; the agent type stands for it.
 *
 * @param agentTypes - The agent each task runs on, when chosen by automatic selection rather than named.
 * @throws {LingflowError} when the dependencies form a cycle (validation reports those first).
 */
export function fingerprintTasks(
  tasks: readonly FingerprintedTask[],
  agentTypes?: readonly (string | undefined)[],
): WorkflowFingerprints {
  const graph = buildTaskGraph(tasks);
  if (graph.topologicalOrder.length !== graph.size) {
    throw new LingflowError('cannot fingerprint a workflow whose dependencies form a cycle');
  }
  const fingerprints: string[] = new Array(graph.size);
  for (const index of graph.topologicalOrder) {
    const task = tasks[index]!;
    const hash = createHash('sha256').update(TASK_DOMAIN);
    encode(hash, [task.id, agentTypes?.[index] ?? task.agentType, task.description, task.context]);
    encode(hash, graph.dependencies[index]!.map((dependency) => fingerprints[dependency]!).sort());
    fingerprints[index] = hash.digest('hex');
  }
  const workflow = createHash('sha256').update(WORKFLOW_DOMAIN);
  encode(workflow, [...fingerprints].sort());
  return { workflow: workflow.digest('hex'), tasks: fingerprints };
}

/**
 * Feeds a value into a hash in a form that is unambiguous (every part tagged and length-prefixed) and
 * canonical (plain objects by sorted key). Strings go in as UTF-16 so that lone surrogates stay distinct.
 */
function encode(hash: Hash, value: unknown, seen = new Map<object, number>()): void {
  switch (typeof value) {
    case 'undefined':
      hash.update('u');
      return;
    case 'boolean':
      hash.update(value ? 't' : 'f');
      return;
    case 'number':
      hash.update(`d${Object.is(value, -0) ? '-0' : String(value)};`);
      return;
    case 'bigint':
      hash.update(`i${value};`);
      return;
    case 'string':
      hash.update(`s${value.length}:`).update(Buffer.from(value, 'utf16le'));
      return;
    case 'object':
      break;
    default:
      // Functions and symbols cannot be cloned to a worker, so validation keeps them out of contexts.
      hash.update(`?${typeof value};`);
      return;
  }
  if (value === null) {
    hash.update('n');
    return;
  }
  const earlier = seen.get(value);
  if (earlier !== undefined) {
    hash.update(`r${earlier};`);
    return;
  }
  seen.set(value, seen.size);
  const each = (tag: string, items: Iterable<unknown>, size: number) => {
    hash.update(`${tag}${size}:`);
    for (const item of items) encode(hash, item, seen);
  };
  if (Array.isArray(value)) each('a', value, value.length);
  else if (value instanceof Map) each('m', [...value].flat(), value.size);
  else if (value instanceof Set) each('e', value, value.size);
  else if (value instanceof Date) hash.update(`D${value.getTime()};`);
  else if (value instanceof RegExp) each('x', [value.source, value.flags], 2);
  else if (value instanceof Error) each('E', [value.name, value.message], 2);
  else if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const bytes = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value);
    hash.update(`b${value.constructor.name}:${bytes.byteLength}:`).update(bytes);
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    hash.update(`o${keys.length}:`);
    for (const key of keys) {
      encode(hash, key, seen);
      encode(hash, record[key], seen);
    }
  }
}
