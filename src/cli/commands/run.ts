import { writeFile } from 'node:fs/promises';
import { AgentCoordinator } from '../../coordinator/agent-coordinator.js';
import { ValidationError } from '../../errors.js';
import { toChromeTrace, traceSpansFromHistory } from '../../monitoring/chrome-trace.js';
import { loadWorkflowFile } from '../../workflow-file/load-workflow-file.js';
import type { Command } from '../command.js';
import { plural } from '../format.js';
import { ISOLATION_OPTION, parseIsolation } from '../isolation-option.js';
import type { RunDisplay } from '../run/display.js';
import { useColor } from '../run/display.js';
import { LiveDisplay } from '../run/live-display.js';
import { PlainLog } from '../run/plain-log.js';
import { RunProgress } from '../run/run-progress.js';
import { formatSummary } from '../run/summary.js';
import { lastWorkers } from '../run/trace-spans.js';
import { UsageError } from '../usage-error.js';

/** Exit code when Ctrl-C cut the run short, as shells report a SIGINT death. */
export const EXIT_INTERRUPTED = 130;

/** `lingflow run`: runs a workflow file with a live display, a summary table, and optionally a trace. */
export const runCommand: Command = {
  name: 'run',
  summary: 'Run a workflow file, showing live progress and a summary.',
  usage: '<workflow.json|yaml> [options]',
  details: [
    'In a terminal the display is live: each running task with its agent and elapsed time, counts, a',
    'progress bar and tokens saved. Elsewhere (pipes, CI logs) it prints one plain line per event.',
    'Ctrl-C cancels running and queued tasks, then prints what finished; press it twice to stop at once.',
    '',
    'Exit codes: 0 every task completed; 1 some task did not; 2 bad command line or workflow file;',
    '130 interrupted.',
  ].join('\n'),
  positionals: [1, 1],
  options: {
    parallel: {
      type: 'string',
      short: 'p',
      valueName: 'N|auto',
      description:
        "CPU tasks at once (overrides the file's maxParallelAgents); auto follows the machine's load.",
    },
    'fail-fast': { type: 'boolean', description: 'Cancel everything after the first task that fails.' },
    trace: {
      type: 'string',
      valueName: 'FILE',
      description: 'Write the run as a Chrome trace (open it in Perfetto or chrome://tracing).',
    },
    journal: {
      type: 'string',
      valueName: 'FILE',
      description: 'Record finished tasks in FILE; running again with it skips the tasks already done.',
    },
    isolation: ISOLATION_OPTION,
  },

  async run({ values, positionals }, io) {
    const parallel = parseParallel(values.parallel);
    const isolation = parseIsolation(values.isolation, 'run');
    const workflow = await loadWorkflowFile(positionals[0]!);
    const maxParallelAgents = parallel ?? workflow.parallel;
    const coordinator = new AgentCoordinator({
      ...workflow.coordinatorOptions,
      ...(maxParallelAgents === undefined ? {} : { maxParallelAgents }),
      ...(values['fail-fast'] === true ? { failurePolicy: 'fail-fast' } : {}),
      ...(isolation ? { isolation } : {}),
    });
    const progress = new RunProgress(workflow.tasks);
    const unfollow = progress.follow(coordinator);
    const color = useColor(io.stdout, io.env);
    const heading = {
      name: workflow.name,
      workers:
        maxParallelAgents === 'auto'
          ? `auto (up to ${plural(coordinator.maxParallelAgents, 'worker')})`
          : plural(coordinator.maxParallelAgents, 'worker'),
    };
    const display: RunDisplay = io.stdout.isTTY
      ? new LiveDisplay(io.stdout, progress, heading, color)
      : new PlainLog(io.stdout, progress, heading);
    const onInterrupt = () => display.interrupted();
    io.signal.addEventListener('abort', onInterrupt, { once: true });

    const startedAt = Date.now();
    try {
      const results = await coordinator.executeWorkflow(workflow.tasks, {
        signal: io.signal,
        ...(typeof values.journal === 'string' ? { journal: values.journal } : {}),
      });
      const wallMs = Date.now() - startedAt;
      display.stop();
      const spans = traceSpansFromHistory(coordinator, workflow.tasks, results, startedAt);
      const workers = lastWorkers(spans);
      // Results the journal restored ran in an earlier process: no events, no worker this time.
      const ranNow = new Set(progress.finished.map((result) => result.taskId));
      for (const result of results) if (!ranNow.has(result.taskId)) workers.set(result.taskId, 'journal');
      io.stdout.write(
        formatSummary(
          results,
          workers,
          {
            wallMs,
            interrupted: io.signal.aborted,
            ...(maxParallelAgents === 'auto' ? {} : { workers: coordinator.maxParallelAgents }),
          },
          color,
        ),
      );
      if (typeof values.trace === 'string') {
        const trace = toChromeTrace(spans, { metadata: { workflow: workflow.name, file: workflow.file } });
        await writeFile(values.trace, `${JSON.stringify(trace)}\n`);
        io.stdout.write(`Trace written to ${values.trace} (open it in https://ui.perfetto.dev)\n`);
      }
      if (io.signal.aborted) return EXIT_INTERRUPTED;
      return results.every((result) => result.status === 'completed') ? 0 : 1;
    } catch (error) {
      display.stop();
      throw error instanceof ValidationError ? workflow.explain(error) : error;
    } finally {
      io.signal.removeEventListener('abort', onInterrupt);
      unfollow();
      await coordinator.close();
    }
  },
};

function parseParallel(value: string | boolean | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  const count = Number(value);
  if (typeof value === 'string' && /^\d+$/.test(value) && count >= 1) return count;
  throw new UsageError(
    `--parallel expects a whole number of at least 1 or "auto", got "${String(value)}"`,
    'run',
  );
}
