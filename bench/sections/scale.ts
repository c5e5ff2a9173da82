import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatCount, verdict } from '../harness/format.js';
import type { BenchSection } from '../harness/section.js';
import { benchModuleUrl } from '../workloads/module-url.js';
import type { RealRunMemory, SchedulerScale } from '../workloads/scale-probe.js';

const run = promisify(execFile);

/** Goal from the reliability issue: scheduling overhead per task, in microseconds. */
const GOAL_US_PER_TASK = 5;
/** Goal from the reliability issue: memory held per task by graph, order and scheduler core. */
export const GOAL_BYTES_PER_TASK = 1024;
/** Heap growth per task between runs below which memory counts as not growing (noise, caches). */
export const GROWTH_TOLERANCE_BYTES_PER_TASK = 8;

/**
 * Calls a function of bench/workloads/scale-probe in a child process started with `--expose-gc`, since the
 * measurements need `global.gc`; resolves with its JSON answer.
 */
export async function probe<T>(call: string): Promise<T> {
  const url = benchModuleUrl('workloads/scale-probe').href;
  const script = `const probe = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(await probe.${call}));`;
  const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as T;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/**
 * Section: scale. A 100,000-task DAG driven through the scheduler core with an executor that does nothing
 * (scheduling overhead and memory per task), then 20,000 real tiny tasks per run through worker threads,
 * run after run, to show memory does not grow.
 */
export const section: BenchSection = {
  id: 'scale',
  title: 'Scale: 100,000-task DAG and repeated runs of tiny tasks',
  async run(context) {
    const taskCount = context.quick ? 20_000 : 100_000;
    context.progress(`scheduler core, ${formatCount(taskCount)} tasks`);
    const core = await probe<SchedulerScale>(`measureSchedulerScale(${taskCount})`);
    // Overhead counts everything a run spends scheduling: building graph and order, then driving the core;
    // in CPU time, since the wall clock on a shared machine also counts other processes' turns.
    const usPerTask = ((core.setupCpuMs + core.driveCpuMs) * 1000) / core.tasks;
    const bytesPerTask = core.peakRetainedBytes / core.tasks;

    const tasksPerRun = context.quick ? 5_000 : 20_000;
    context.progress(`${formatCount(tasksPerRun)} tiny tasks per run on worker threads`);
    const memory = await probe<RealRunMemory>(`measureRealRunMemory(${tasksPerRun}, 3, ${context.cores})`);
    const [warm = 0, ...afterRuns] = memory.heapAfterGcBytes;
    const growthPerTask = Math.max(0, (afterRuns.at(-1)! - warm) / (tasksPerRun * afterRuns.length));

    return {
      tables: [
        {
          title: `Scheduler core: ${formatCount(core.tasks)} tasks, ${formatCount(core.edges)} dependencies, ${core.slots} slots, no-op executor`,
          columns: ['measure', 'value', 'goal'],
          rows: [
            [
              'graph and order (critical path, priorities)',
              `${core.setupCpuMs.toFixed(0)} ms CPU (${core.setupMs.toFixed(0)} ms wall)`,
              '',
            ],
            [
              'dispatch + complete every task',
              `${core.driveCpuMs.toFixed(0)} ms CPU (${core.driveMs.toFixed(0)} ms wall)`,
              '',
            ],
            ['scheduling overhead per task', `${usPerTask.toFixed(2)} µs`, `≤ ${GOAL_US_PER_TASK} µs`],
            ['peak memory per task', kb(bytesPerTask), `≤ ${kb(GOAL_BYTES_PER_TASK)}`],
          ],
          notes: [
            'Overhead: building the graph and dispatch order, then dispatching and completing every task through ' +
              'SchedulerCore as a live run drives it, in CPU time divided by the task count (second of two ' +
              'identical passes, after JIT warm-up).',
            'Memory: largest heap plus typed-array buffers held by graph, order and core at checkpoints after a ' +
              'full GC, above the input task list, divided by the task count.',
            `Overhead goal ${verdict(usPerTask <= GOAL_US_PER_TASK)}; memory goal ${verdict(bytesPerTask <= GOAL_BYTES_PER_TASK)}.`,
          ],
        },
        {
          title: `${formatCount(tasksPerRun)} tiny tasks per run on ${context.cores} worker threads, ${memory.runs} runs`,
          columns: ['after', 'heap + buffers after GC'],
          rows: memory.heapAfterGcBytes.map((bytes, index) => [
            index === 0 ? 'warm-up' : `run ${index}`,
            `${(bytes / 2 ** 20).toFixed(1)} MB`,
          ]),
          notes: [
            'The warm-up fills per-agent history (the newest 10,000 attempts are kept) and the last workflow ' +
              'stays referenced for getWorkflowStatus(); measured runs only replace those.',
            `Growth from warm-up to the last run: ${growthPerTask.toFixed(1)} bytes per task per run; goal: not growing ` +
              `(under ${GROWTH_TOLERANCE_BYTES_PER_TASK} B): ${verdict(growthPerTask < GROWTH_TOLERANCE_BYTES_PER_TASK)}.`,
          ],
        },
      ],
      raw: { core, memory, usPerTask, bytesPerTask, growthPerTask },
    };
  },
};
