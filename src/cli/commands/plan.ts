import { readFile } from 'node:fs/promises';
import { ValidationError } from '../../errors.js';
import { planWorkflow } from '../../scheduling/planner.js';
import { loadWorkflowFile } from '../../workflow-file/load-workflow-file.js';
import type { Command } from '../command.js';
import { formatDuration, formatTable } from '../format.js';
import { UsageError } from '../usage-error.js';

/** `lingflow plan`: the planner's predicted makespan, speedup and efficiency per worker count. */
export const planCommand: Command = {
  name: 'plan',
  summary: "Predict a workflow's makespan, speedup and efficiency for each number of workers.",
  usage: '<workflow.json|yaml> [options]',
  details: [
    'Runs the scheduler in virtual time, nothing for real. Task durations come from --durations (a JSON',
    'map of task id to milliseconds, or a trace written by "lingflow run --trace"), else --default-duration.',
  ].join('\n'),
  positionals: [1, 1],
  options: {
    workers: {
      type: 'string',
      short: 'w',
      valueName: 'N|LIST',
      description: 'Worker counts to plan: N means 1 to N (default 8), or a list such as 1,2,4,8.',
    },
    durations: {
      type: 'string',
      valueName: 'FILE',
      description: 'Task durations: {"task-id": ms, …}, or a Chrome trace from "lingflow run --trace".',
    },
    'default-duration': {
      type: 'string',
      valueName: 'MS',
      description: 'Duration of tasks with no other estimate (default 1000).',
    },
  },

  async run({ values, positionals }, io) {
    const workers = parseWorkers(values.workers);
    const defaultDurationMs = parseMilliseconds(values['default-duration']);
    const workflow = await loadWorkflowFile(positionals[0]!);
    const durations =
      typeof values.durations === 'string' ? await readDurations(values.durations) : undefined;
    let plan: ReturnType<typeof planWorkflow>;
    try {
      plan = planWorkflow(workflow.tasks, {
        workers,
        ...(durations ? { durations } : {}),
        ...(defaultDurationMs === undefined ? {} : { defaultDurationMs }),
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const taskIssues = error.issues.filter((issue) => issue.index !== undefined);
      if (taskIssues.length > 0) throw workflow.explain(new ValidationError(taskIssues));
      throw new UsageError(
        error.issues.map((issue) => `${issue.field}: ${issue.message}`).join('\n'),
        'plan',
      );
    }
    const rows = [
      ['workers', 'makespan', 'speedup', 'efficiency', ''],
      ...plan.plans.map((entry) => [
        String(entry.workers),
        formatDuration(entry.makespanMs),
        `${entry.speedup.toFixed(2)}×`,
        `${(entry.efficiency * 100).toFixed(0)}%`,
        entry.workers === plan.recommendedWorkers ? '← recommended' : '',
      ]),
    ];
    io.stdout.write(
      [
        `Plan for ${workflow.name} (${workflow.tasks.length} tasks)`,
        '',
        ...formatTable(rows, ['r', 'r', 'r', 'r', 'l']),
        '',
        `Sequential ${formatDuration(plan.sequentialMs)} · critical path ${formatDuration(plan.criticalPathMs)} (no number of workers finishes sooner)`,
        `Recommended: ${plan.recommendedWorkers} worker${plan.recommendedWorkers === 1 ? '' : 's'} (more would gain less than 5% each)`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

function parseWorkers(value: string | boolean | undefined): number | number[] {
  if (value === undefined) return 8;
  const parts = String(value).split(',');
  const counts = parts.map(Number);
  if (parts.every((part) => /^\d+$/.test(part.trim())) && counts.every((count) => count >= 1)) {
    return counts.length === 1 ? counts[0]! : counts;
  }
  throw new UsageError(`--workers expects a number or a list like 1,2,4,8, got "${String(value)}"`, 'plan');
}

function parseMilliseconds(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  throw new UsageError(`--default-duration expects milliseconds, got "${String(value)}"`, 'plan');
}

/** A durations map, or the durations of the last completed attempt of each task in a trace. */
async function readDurations(file: string): Promise<Record<string, number>> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--durations ${file}: ${(error as Error).message}`, 'plan');
  }
  const events = (data as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) return data as Record<string, number>;
  const durations: Record<string, number> = {};
  for (const event of events as { ph?: string; name?: string; dur?: number; args?: { status?: string } }[]) {
    if (event.ph === 'X' && event.name && event.dur !== undefined && event.args?.status === 'completed') {
      durations[event.name] = event.dur / 1000;
    }
  }
  return durations;
}
