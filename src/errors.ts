/** Base class of every error lingflow throws, so callers can catch them all with one `instanceof`. */
export class LingflowError extends Error {
  override name = 'LingflowError';
}

/** One problem found while validating input. */
export interface ValidationIssue {
  /** Index of the offending task in the input list, when the problem belongs to one task. */
  index?: number;
  /** Id of the offending task, when it has a usable one. */
  taskId?: string;
  /** The field at fault, e.g. `dependencies[1]` or `timeoutMs`. */
  field: string;
  message: string;
}

function describeIssue(issue: ValidationIssue): string {
  const where =
    issue.taskId !== undefined
      ? `task "${issue.taskId}"`
      : issue.index !== undefined
        ? `task at index ${issue.index}`
        : 'options';
  return `${where}, ${issue.field}: ${issue.message}`;
}

/** Thrown before anything runs when tasks or options are invalid. Lists every problem found, not just the first. */
export class ValidationError extends LingflowError {
  override name = 'ValidationError';
  /** Every problem found. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], subject = 'workflow') {
    const lines = issues.map((issue) => `  - ${describeIssue(issue)}`);
    super(
      `Invalid ${subject}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`,
    );
    this.issues = issues;
  }
}

/** An attempt ran longer than its `timeoutMs`. */
export class TaskTimeoutError extends LingflowError {
  override name = 'TaskTimeoutError';
  constructor(
    readonly taskId: string,
    readonly timeoutMs: number,
  ) {
    super(`task "${taskId}" timed out after ${timeoutMs} ms`);
  }
}

/** A task was cancelled by an abort signal or by fail-fast. */
export class TaskCancelledError extends LingflowError {
  override name = 'TaskCancelledError';
  constructor(
    readonly taskId: string,
    readonly reason: string,
  ) {
    super(`task "${taskId}" cancelled: ${reason}`);
  }
}

/** The agent's handler threw or rejected. */
export class AgentError extends LingflowError {
  override name = 'AgentError';
  constructor(
    readonly taskId: string,
    readonly agentType: string,
    /** The agent's own message, without the task and agent names around it. */
    readonly detail: string,
    /** The stack trace from inside the worker, when available. */
    readonly agentStack?: string,
  ) {
    super(`agent "${agentType}" failed on task "${taskId}": ${detail}`);
  }
}

/** The agent module could not be loaded or has no default export function. */
export class AgentLoadError extends LingflowError {
  override name = 'AgentLoadError';
  constructor(
    readonly agentType: string,
    readonly moduleUrl: string,
    /** Why the import failed. */
    readonly detail: string,
  ) {
    super(`agent "${agentType}" could not be loaded from ${moduleUrl}: ${detail}`);
  }
}

/** The worker thread running a task died (process.exit, out of memory, native crash). */
export class WorkerCrashError extends LingflowError {
  override name = 'WorkerCrashError';
  constructor(
    readonly taskId: string,
    /** How the worker died. */
    readonly detail: string,
  ) {
    super(`worker running task "${taskId}" crashed: ${detail}`);
  }
}

/**
 * A journal file cannot be used: it is not a lingflow journal, or a record other than the last is damaged
 * (only the last can be torn by a crash, since records are appended and synced one at a time).
 */
export class JournalError extends LingflowError {
  override name = 'JournalError';
  constructor(
    readonly path: string,
    /** Every problem found, each naming its line. */
    readonly problems: readonly string[],
  ) {
    super(`cannot use the journal ${path}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** The task's context could not be prepared (counted and compressed) in the worker. */
export class ContextPreparationError extends LingflowError {
  override name = 'ContextPreparationError';
  constructor(
    readonly taskId: string,
    /** Why preparation failed. */
    readonly detail: string,
  ) {
    super(`context of task "${taskId}" could not be prepared: ${detail}`);
  }
}

/** The coordinator was used after `close()`. */
export class CoordinatorClosedError extends LingflowError {
  override name = 'CoordinatorClosedError';
  constructor() {
    super('the coordinator is closed');
  }
}

/** Redis could not be reached or refused the credentials when a queue executor or worker first connected. */
export class QueueConnectionError extends LingflowError {
  override name = 'QueueConnectionError';
  constructor(
    /** The connection URL with its password masked. */
    readonly connection: string,
    readonly detail: string,
  ) {
    super(`cannot use Redis at ${connection}: ${detail}`);
  }
}
