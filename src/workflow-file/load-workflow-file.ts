import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AgentCoordinator } from '../coordinator/agent-coordinator.js';
import type { CoordinatorOptions } from '../coordinator/coordinator-options.js';
import type { ValidationIssue } from '../errors.js';
import { ValidationError } from '../errors.js';
import type { AgentSpec, Task } from '../types.js';
import { checkDocumentShape, OPTION_FIELDS, type WorkflowDocument } from './document-shape.js';
import type { ParsedDocument } from './parse-document.js';
import { parseWorkflowText } from './parse-document.js';
import type { WorkflowFileIssue } from './workflow-file-error.js';
import { WorkflowFileError } from './workflow-file-error.js';

/** A workflow file, read and checked, ready for `new AgentCoordinator(coordinatorOptions)`. */
export interface WorkflowFile {
  /** The file as the user named it. */
  file: string;
  /** The workflow's `name`, or the file name. */
  name: string;
  tasks: Task[];
  /** Coordinator options from the file; agent modules are absolute paths, resolved against the file's folder. */
  coordinatorOptions: CoordinatorOptions;
  /** `maxParallelAgents` as written: a number, `'auto'`, or absent. */
  parallel: number | 'auto' | undefined;
  /**
   * Turns a `ValidationError` raised later for these tasks (e.g. by the coordinator) into a
   * `WorkflowFileError` that points at this file's lines.
   */
  explain(error: ValidationError): WorkflowFileError;
}

/**
 * Reads a workflow file (JSON, or YAML for any other extension) and checks all of it before anything runs:
 * syntax, fields, coordinator options, agent modules on disk, and the tasks (ids, dependencies, cycles,
 * agents). Agent module paths resolve against the file's folder.
 *
 * @throws {WorkflowFileError} listing every problem, each with the file, line, task and field.
 */
export async function loadWorkflowFile(file: string): Promise<WorkflowFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : (error as Error).message;
    throw new WorkflowFileError(file, [{ file, path: [], message }]);
  }
  const parsed = parseWorkflowText(file, text);
  if ('problems' in parsed) {
    throw new WorkflowFileError(
      file,
      parsed.problems.map(({ message, position }) => ({
        file,
        path: [],
        message,
        ...(position ? { line: position.line, column: position.column } : {}),
      })),
    );
  }

  const issues: WorkflowFileIssue[] = [];
  const report = (path: readonly (string | number)[], message: string, taskId?: string) =>
    issues.push(placeIssue(file, parsed, path, message, taskId));
  const document = checkDocumentShape(parsed.value, report);
  const baseDir = dirname(resolve(file));
  const agents = resolveAgentModules(document?.agents ?? {}, baseDir, report);
  const coordinatorOptions = document ? toCoordinatorOptions(document, agents, baseDir) : { agents };

  // The coordinator checks options and tasks exactly as it will when it runs them; building one starts nothing.
  const coordinator =
    tryCoordinator(coordinatorOptions, (issue) => report(optionPath(issue.field, agents), issue.message)) ??
    tryCoordinator({ agents, baseDir }, () => {});
  if (document && coordinator) {
    for (const issue of coordinator.validateWorkflow(document.tasks as Task[])) {
      report(
        issue.index === undefined
          ? optionPath(issue.field, agents)
          : ['tasks', issue.index, ...fieldPath(issue.field)],
        issue.message,
        issue.taskId,
      );
    }
  }
  await coordinator?.close();
  // In file order, the way a person reads and fixes them.
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (issues.length > 0 || !document) throw new WorkflowFileError(file, issues);

  return {
    file,
    name: document.name ?? file,
    tasks: document.tasks as Task[],
    coordinatorOptions,
    parallel: document.maxParallelAgents,
    explain: (error) =>
      new WorkflowFileError(
        file,
        error.issues.map((issue) =>
          placeIssue(
            file,
            parsed,
            issue.index === undefined
              ? optionPath(issue.field, agents)
              : ['tasks', issue.index, ...fieldPath(issue.field)],
            issue.message,
            issue.taskId,
          ),
        ),
      ),
  };
}

/** A coordinator for these options, or `undefined` after reporting why the options are invalid. */
function tryCoordinator(
  options: CoordinatorOptions,
  report: (issue: ValidationIssue) => void,
): AgentCoordinator | undefined {
  try {
    return new AgentCoordinator(options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const issue of error.issues) report(issue);
    return undefined;
  }
}

function placeIssue(
  file: string,
  parsed: ParsedDocument,
  path: readonly (string | number)[],
  message: string,
  taskId?: string,
): WorkflowFileIssue {
  const position = parsed.locate(path);
  return {
    file,
    ...(position ? { line: position.line, column: position.column } : {}),
    path,
    ...(taskId === undefined ? {} : { taskId }),
    message,
  };
}

/** Agent modules become absolute paths, and each must exist, so a typo fails before any task runs. */
function resolveAgentModules(
  agents: Record<string, AgentSpec>,
  baseDir: string,
  report: (path: readonly (string | number)[], message: string) => void,
): Record<string, AgentSpec> {
  const resolved: Record<string, AgentSpec> = {};
  for (const [name, spec] of Object.entries(agents)) {
    if (typeof spec.module !== 'string' || /^[a-z][a-z0-9+.-]+:/i.test(spec.module)) {
      resolved[name] = spec;
      continue;
    }
    const path = isAbsolute(spec.module) ? spec.module : resolve(baseDir, spec.module);
    if (!existsSync(path)) report(['agents', name, 'module'], `no file at ${path}`);
    resolved[name] = { ...spec, module: path };
  }
  return resolved;
}

function toCoordinatorOptions(
  document: WorkflowDocument,
  agents: Record<string, AgentSpec>,
  baseDir: string,
): CoordinatorOptions {
  const options: Record<string, unknown> = { agents, baseDir };
  for (const field of OPTION_FIELDS) if (document[field] !== undefined) options[field] = document[field];
  return options as CoordinatorOptions;
}

/** `agents.my.agent.kind` → `['agents', 'my.agent', 'kind']`, using the agent names to split correctly. */
function optionPath(field: string, agents: Record<string, AgentSpec>): (string | number)[] {
  if (field.startsWith('agents.')) {
    const rest = field.slice('agents.'.length);
    const name = Object.keys(agents)
      .sort((a, b) => b.length - a.length)
      .find((candidate) => rest === candidate || rest.startsWith(`${candidate}.`));
    if (name !== undefined) {
      const tail = rest.slice(name.length + 1);
      return ['agents', name, ...(tail === '' ? [] : tail.split('.'))];
    }
  }
  return fieldPath(field);
}

/** `dependencies[1]` → `['dependencies', 1]`; `task` (the whole task) → `[]`. */
function fieldPath(field: string): (string | number)[] {
  if (field === 'task') return [];
  return field.split(/\.|(?=\[)/).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}
