import { formatCount, formatFactor, formatSummary } from '../harness/format.js';
import { measureRounds } from '../harness/measure.js';
import type { BenchSection } from '../harness/section.js';
import { median, summarize, throughput } from '../harness/stats.js';
import { benchTasks, LINGFLOW_UNCOMPRESSED, startPool } from '../workloads/pools.js';

/** The pools compared here: the usual three, and lingflow without its context compression pass. */
const POOLS = ['lingflow', LINGFLOW_UNCOMPRESSED, 'Piscina', 'Tinypool'] as const;

type NoopPayload = { value: number };

/**
 * Section 3: many trivial tasks at once, so the cost of moving a task in and out of a worker thread is
 * all there is to measure: lingflow's `executeTasksParallel`, raw Piscina and raw Tinypool, one thread
 * per core, the order rotating between rounds.
 */
export const section: BenchSection = {
  id: 'tiny-tasks',
  title: 'Many tiny tasks: throughput',
  async run(context) {
    const taskCount = context.quick ? 5_000 : 20_000;
    const workers = context.cores;
    const tasks = benchTasks<NoopPayload>(Array.from({ length: taskCount }, (_, value) => ({ value })));
    const rounds = { warmup: 1, repetitions: context.quick ? 2 : 4 };
    const pools = POOLS.map((name) => startPool<NoopPayload>(name, workers, 'agents/noop'));
    try {
      const samples = await measureRounds(
        pools.map((pool) => ({ name: pool.name, run: () => pool.runAll(tasks) })),
        {
          ...rounds,
          onRun: (name, round, measured) =>
            context.progress(
              `${name}, ${measured ? `round ${round - rounds.warmup + 1}/${rounds.repetitions}` : 'warm-up'}`,
            ),
        },
      );
      // Throughput of each run: the fastest run has the most tasks per second, so min and max swap.
      const rates = Object.fromEntries(
        POOLS.map((name) => [name, summarize(samples.wallMs[name]!.map((ms) => throughput(taskCount, ms)))]),
      );
      const piscina = rates.Piscina!.median;
      const lingflow = rates.lingflow!.median;
      return {
        tables: [
          {
            title: `${formatCount(taskCount)} trivial tasks on ${workers} workers`,
            columns: ['pool', 'tasks per second', 'against Piscina', 'CPU µs per task'],
            rows: POOLS.map((name) => [
              name,
              formatSummary(rates[name]!, formatCount),
              formatFactor(rates[name]!.median / piscina),
              ((median(samples.cpuMs[name]!) * 1000) / taskCount).toFixed(1),
            ]),
            notes: [
              'Tasks per second over the whole batch: median (min–max) of the measured rounds. Each task returns ' +
                'its input, so this is the cost of scheduling, messaging and result handling alone. CPU µs per task ' +
                'counts every thread of the process, so it stays meaningful on a busy machine.',
              `"${LINGFLOW_UNCOMPRESSED}" is lingflow with enableCompression: false; its difference to "lingflow" ` +
                'is what the default per-task context pass costs (it runs even on contexts with nothing to compress).',
              `Goal (lingflow with its defaults): at least raw Piscina’s throughput: ${formatFactor(lingflow / piscina)} ` +
                `(${lingflow >= piscina ? 'met' : 'MISSED'}).`,
            ],
          },
        ],
        raw: { taskCount, workers, rounds, samples },
      };
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  },
};
