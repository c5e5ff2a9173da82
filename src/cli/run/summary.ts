import type { TaskResult } from '../../types.js';
import { formatDuration, formatTable, plural } from '../format.js';
import { oneLineError, palette, STATUS_MARK, statusColor } from './display.js';

/** Facts about the run as a whole, for the summary's last lines. */
export interface RunTotals {
  wallMs: number;
  /** CPU tasks allowed at once, when fixed. */
  workers?: number;
  interrupted: boolean;
}

/**
 * The table printed when a run ends: one row per task in input order (status, agent, attempts, time,
 * worker), the reasons of those that did not complete, and the totals: wall time, and task time (the time
 * the same tasks would take one after another) as a multiple of it.
 */
export function formatSummary(
  results: readonly TaskResult[],
  workerOf: ReadonlyMap<string, string>,
  totals: RunTotals,
  color: boolean,
): string {
  const colors = palette(color);
  const rows = [
    ['', 'task', 'agent', 'status', 'attempts', 'time', 'worker'],
    ...results.map((result) => [
      STATUS_MARK[result.status],
      result.taskId,
      result.agentType ?? '',
      result.status.replace('_', ' '),
      String(result.attempts),
      result.attempts > 0 ? formatDuration(result.durationMs) : '-',
      workerOf.get(result.taskId) ?? '-',
    ]),
  ];
  const table = formatTable(rows, ['l', 'l', 'l', 'l', 'r', 'r', 'r']).map((line, i) => {
    if (i === 0) return colors.dim(line);
    const status = results[i - 1]!.status;
    return status === 'completed' ? line : statusColor(status, colors)(line);
  });

  const problems = results
    .filter((result) => result.status !== 'completed')
    .map((result) => `  ${STATUS_MARK[result.status]} ${result.taskId}: ${oneLineError(result)}`);

  const completed = results.filter((result) => result.status === 'completed').length;
  const taskTimeMs = results.reduce((sum, result) => sum + result.durationMs, 0);
  const speedup = totals.wallMs > 0 ? taskTimeMs / totals.wallMs : 0;
  const verdict =
    completed === results.length
      ? colors.green(`All ${plural(results.length, 'task')} completed`)
      : colors.red(
          `${completed} of ${plural(results.length, 'task')} completed${totals.interrupted ? ' (interrupted)' : ''}`,
        );
  const onWorkers = totals.workers === undefined ? '' : ` on ${plural(totals.workers, 'worker')}`;
  return [
    '',
    ...table,
    ...(problems.length > 0 ? ['', 'Did not complete:', ...problems] : []),
    '',
    `${verdict} in ${formatDuration(totals.wallMs)} · ${formatDuration(taskTimeMs)} of task time, ${speedup.toFixed(2)}× the wall time${onWorkers}`,
    '',
  ].join('\n');
}
