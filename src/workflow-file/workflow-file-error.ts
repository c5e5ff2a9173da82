import { LingflowError } from '../errors.js';

/** One problem in a workflow file, with where it is. */
export interface WorkflowFileIssue {
  /** The workflow file, as the user named it. */
  file: string;
  /** 1-based line and column of the offending key or value, when the parser knows them. */
  line?: number;
  column?: number;
  /** Path of the offending value in the document, e.g. `['tasks', 3, 'dependencies', 0]`; empty for the whole file. */
  path: readonly (string | number)[];
  /** Id of the task the problem belongs to, when it has one. */
  taskId?: string;
  message: string;
}

/** Formats one issue as `file:line:column  where: message`, the shape editors and terminals link. */
export function describeWorkflowFileIssue(issue: WorkflowFileIssue): string {
  const position = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const where = describePath(issue.path, issue.taskId);
  return `${position}  ${where === '' ? '' : `${where}: `}${issue.message}`;
}

function describePath(path: readonly (string | number)[], taskId: string | undefined): string {
  if (path[0] === 'tasks' && typeof path[1] === 'number') {
    const task = taskId === undefined ? `task at index ${path[1]}` : `task "${taskId}"`;
    const field = formatPath(path.slice(2));
    return field === '' ? task : `${task}, ${field}`;
  }
  return formatPath(path);
}

/** `['agents', 'x', 'capabilities', 1]` → `agents.x.capabilities[1]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** A workflow file cannot be read, parsed or run as written. Lists every problem found, each with its place. */
export class WorkflowFileError extends LingflowError {
  override name = 'WorkflowFileError';
  /** The workflow file, as the user named it. */
  readonly file: string;
  /** Every problem found. */
  readonly issues: readonly WorkflowFileIssue[];

  constructor(file: string, issues: readonly WorkflowFileIssue[]) {
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    super(
      `Invalid workflow file ${file}: ${count}\n${issues.map((i) => `  - ${describeWorkflowFileIssue(i)}`).join('\n')}`,
    );
    this.file = file;
    this.issues = issues;
  }
}
