import type { AgentCoordinator } from '../../coordinator/agent-coordinator.js';
import type { TraceSpan } from '../../monitoring/chrome-trace.js';
import type { Task, TaskResult } from '../../types.js';

/**
 * Every attempt of a finished run as trace spans, from the coordinator's per-agent history (which knows the
 * worker of each attempt), timed from `runStartedAt` (epoch milliseconds).
 */
export function collectTraceSpans(
  coordinator: AgentCoordinator,
  tasks: readonly Task[],
  results: readonly TaskResult[],
  runStartedAt: number,
): TraceSpan[] {
  const dependenciesOf = new Map(tasks.map((task) => [task.id, task.dependencies ?? []]));
  const agentTypes = new Set(results.map((result) => result.agentType).filter((type) => type !== undefined));
  const spans: TraceSpan[] = [];
  for (const agentType of agentTypes) {
    for (const record of coordinator.getAgentHistory(agentType)) {
      if (!dependenciesOf.has(record.taskId) || record.startedAt < runStartedAt) continue;
      spans.push({
        taskId: record.taskId,
        agentType,
        ...(record.workerId === undefined ? {} : { workerId: record.workerId }),
        startMs: record.startedAt - runStartedAt,
        endMs: record.finishedAt - runStartedAt,
        status: record.status,
        attempt: record.attempt,
        dependencies: dependenciesOf.get(record.taskId)!,
      });
    }
  }
  return spans;
}

/** The worker that ran each task's last attempt, for the summary table. */
export function lastWorkers(spans: readonly TraceSpan[]): Map<string, string> {
  const workers = new Map<string, string>();
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (span.workerId !== undefined) workers.set(span.taskId, String(span.workerId));
  }
  return workers;
}
