import { createHash } from 'node:crypto';

/**
 * The queue job id of one attempt of one task. `workflowKey` is the workflow's fingerprint (see
 * `fingerprintTasks`), the same in any process for the same tasks, so a coordinator restarted on the same
 * workflow (with its journal) finds the jobs it had enqueued instead of enqueuing them again. Hex only:
 * BullMQ forbids `:` in ids, and task ids may hold any character.
 */
export function jobIdFor(workflowKey: string, taskId: string, attempt: number): string {
  const taskHash = createHash('sha256').update(workflowKey).update('\0').update(taskId).digest('hex');
  return `lf-${taskHash.slice(0, 40)}-${attempt}`;
}
