import type { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import type { TraceSpan } from '../../src/monitoring/chrome-trace.js';
import type { Task } from '../../src/types.js';

/**
 * The attempts of one workflow run as trace spans, read back from the coordinator's per-agent history
 * (which knows the worker of each attempt). `runStartedAt` is `Date.now()` just before the run began:
 * attempts from earlier runs started before it and are left out; times become milliseconds since it.
 */
export function spansFromHistory(
  coordinator: AgentCoordinator,
  tasks: readonly Task[],
  runStartedAt: number,
): TraceSpan[] {
  const wanted = new Map(tasks.map((task) => [task.id, task]));
  const agentTypes = new Set(tasks.map((task) => task.agentType ?? coordinator.selectAgent(task).agentType));
  const spans: TraceSpan[] = [];
  for (const agentType of agentTypes) {
    if (agentType === undefined) continue;
    for (const record of coordinator.getAgentHistory(agentType)) {
      const task = wanted.get(record.taskId);
      if (!task || record.startedAt < runStartedAt) continue;
      const startMs = record.startedAt - runStartedAt;
      spans.push({
        taskId: record.taskId,
        agentType,
        ...(record.workerId === undefined ? {} : { workerId: record.workerId }),
        startMs,
        endMs: startMs + record.durationMs,
        status: record.status,
        attempt: record.attempt,
        dependencies: task.dependencies ?? [],
      });
    }
  }
  return spans.sort((a, b) => a.startMs - b.startMs);
}
