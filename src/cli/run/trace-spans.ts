import type { TraceSpan } from '../../monitoring/chrome-trace.js';

/** The worker that ran each task's last attempt, for the summary table. */
export function lastWorkers(spans: readonly TraceSpan[]): Map<string, string> {
  const workers = new Map<string, string>();
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (span.workerId !== undefined) workers.set(span.taskId, String(span.workerId));
  }
  return workers;
}
