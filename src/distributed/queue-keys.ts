import type { ValidationIssue } from '../errors.js';

/** The queue name used when none is given. */
export const DEFAULT_QUEUE = 'lingflow';
/** BullMQ's own default key prefix; lingflow's keys for a queue live beside BullMQ's under it. */
export const DEFAULT_PREFIX = 'bull';

/** The Redis keys and channel lingflow keeps next to one BullMQ queue. */
export interface QueueKeys {
  /** Pub/sub channel on which coordinators ask workers to stop a running job. */
  cancelChannel: string;
  /** Key under which one worker advertises itself and its capacity (expires unless renewed). */
  worker(workerId: string): string;
  /** `SCAN` pattern matching every worker key. */
  workerPattern: string;
}

/** The keys of one queue. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:${queue}:lingflow`;
  return {
    cancelChannel: `${base}:cancel`,
    worker: (workerId) => `${base}:worker:${workerId}`,
    workerPattern: `${base}:worker:*`,
  };
}

/** Problems with a queue name or key prefix; BullMQ uses `:` to separate the parts of its keys. */
export function queueNameIssues(queue: unknown, prefix: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [field, value] of [
    ['queue', queue],
    ['prefix', prefix],
  ] as const) {
    if (typeof value !== 'string' || value === '' || value.includes(':'))
      issues.push({ field, message: `expected a non-empty name without ":", got ${String(value)}` });
  }
  return issues;
}

/** A coordinator's request to stop one job, published on {@link QueueKeys.cancelChannel}. */
export interface CancelNotice {
  jobId: string;
  reason: string;
}
