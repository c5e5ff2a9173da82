import { createHash } from 'node:crypto';
import type { Task } from '../types.js';

/**
 * A fingerprint of a workflow's task definitions: the same tasks give the same fingerprint in any process,
 * whatever the order of keys inside each task. Queue job ids derive from it, so a coordinator restarted on
 * the same workflow finds the jobs it had enqueued instead of enqueuing them again.
 */
export function workflowFingerprint(tasks: readonly Task[]): string {
  const hash = createHash('sha256');
  for (const task of tasks) hash.update(canonicalJson(task)).update('\n');
  return hash.digest('hex').slice(0, 32);
}

/**
 * The queue job id of one attempt of one task. Hex only: BullMQ forbids `:` in ids, and task ids may hold
 * any character.
 */
export function jobIdFor(workflowKey: string, taskId: string, attempt: number): string {
  const taskHash = createHash('sha256').update(workflowKey).update('\0').update(taskId).digest('hex');
  return `lf-${taskHash.slice(0, 40)}-${attempt}`;
}

/** JSON with object keys sorted, so equal values always serialise the same way. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
