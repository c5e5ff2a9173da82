import type { Encoding } from '../context/types.js';
import type { CoordinatorOptions } from '../coordinator/coordinator-options.js';
import type { AgentIsolation, AgentSpec, FailurePolicy } from '../types.js';
import { closestName } from './closest-name.js';

/** The top level of a workflow file, as `schema/workflow.schema.json` describes it. */
export interface WorkflowDocument {
  $schema?: string;
  name?: string;
  description?: string;
  maxParallelAgents?: number | 'auto';
  maxParallelIo?: number;
  failurePolicy?: FailurePolicy;
  defaultTimeoutMs?: number;
  defaultRetries?: number;
  retryDelayMs?: number;
  defaultAgent?: string;
  isolation?: AgentIsolation;
  enableCompression?: boolean;
  compressionRatio?: number;
  maxContextTokens?: number;
  encoding?: Encoding;
  /** Agents by type name; `module` paths are relative to the file. */
  agents?: Record<string, AgentSpec>;
  /** Checked in detail by the task validator. */
  tasks: unknown[];
}

/** The document's fields that are coordinator options under the same name. */
export const OPTION_FIELDS = [
  'maxParallelAgents',
  'maxParallelIo',
  'failurePolicy',
  'defaultTimeoutMs',
  'defaultRetries',
  'retryDelayMs',
  'defaultAgent',
  'isolation',
  'enableCompression',
  'compressionRatio',
  'maxContextTokens',
  'encoding',
] as const satisfies readonly (keyof WorkflowDocument & keyof CoordinatorOptions)[];

const DOCUMENT_FIELDS: readonly string[] = [
  '$schema',
  'name',
  'description',
  ...OPTION_FIELDS,
  'agents',
  'tasks',
];
const AGENT_FIELDS = ['module', 'description', 'capabilities', 'kind', 'isolation'];

type Report = (path: readonly (string | number)[], message: string) => void;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks what only a file can get wrong: the top level is an object, every key is known (with a
 * suggestion for near misses), `tasks` is a list and each agent an object with known keys. Values the
 * coordinator and task validator check are left to them, so each rule lives in one place.
 *
 * @returns The document when its top level is usable, else `undefined`.
 */
export function checkDocumentShape(value: unknown, report: Report): WorkflowDocument | undefined {
  if (!isRecord(value)) {
    report(
      [],
      `expected an object with "tasks" and "agents", got ${Array.isArray(value) ? 'a list' : String(value)}`,
    );
    return undefined;
  }
  unknownKeys(value, DOCUMENT_FIELDS, [], report);
  for (const field of ['$schema', 'name', 'description', 'defaultAgent'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') report([field], 'expected a string');
  }
  const parallel = value.maxParallelAgents;
  if (parallel !== undefined && typeof parallel !== 'number' && parallel !== 'auto') {
    report(['maxParallelAgents'], `expected a whole number or "auto", got ${JSON.stringify(parallel)}`);
  }
  if (!Array.isArray(value.tasks)) {
    report(
      ['tasks'],
      value.tasks === undefined
        ? 'missing: a workflow file needs a list of tasks'
        : 'expected a list of tasks',
    );
  } else if (value.tasks.length === 0) report(['tasks'], 'the list is empty');

  const agents = value.agents;
  if (agents !== undefined && !isRecord(agents)) report(['agents'], 'expected an object of agents by name');
  const checkedAgents: Record<string, AgentSpec> = {};
  for (const [name, spec] of Object.entries(isRecord(agents) ? agents : {})) {
    if (!isRecord(spec)) {
      report(['agents', name], 'expected an object with a "module" path');
      continue;
    }
    unknownKeys(spec, AGENT_FIELDS, ['agents', name], report);
    if (spec.module === undefined)
      report(['agents', name], 'missing "module": the path of the agent\'s file');
    if (spec.description !== undefined && typeof spec.description !== 'string')
      report(['agents', name, 'description'], 'expected a string');
    if (
      spec.capabilities !== undefined &&
      !(Array.isArray(spec.capabilities) && spec.capabilities.every((item) => typeof item === 'string'))
    ) {
      report(['agents', name, 'capabilities'], 'expected a list of words');
    }
    checkedAgents[name] = spec as unknown as AgentSpec;
  }
  const tasks = Array.isArray(value.tasks) ? value.tasks : [];
  return { ...(value as Omit<WorkflowDocument, 'tasks' | 'agents'>), agents: checkedAgents, tasks };
}

function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  at: readonly (string | number)[],
  report: Report,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    report([...at, key], suggestion ? `unknown field; did you mean "${suggestion}"?` : 'unknown field');
  }
}
