import { performance } from 'node:perf_hooks';
import type { BurnPayload } from '../agents/burn.js';
import burnAgent from '../agents/burn.js';
import { formatFactor, formatMs, formatPercent, formatSummary, verdict } from '../harness/format.js';
import type { BenchCase, RoundSamples } from '../harness/measure.js';
import { measureRounds } from '../harness/measure.js';
import type { BenchSection, BenchTable } from '../harness/section.js';
import type { SampleSummary } from '../harness/stats.js';
import { efficiency, median, pairedRatio, roundOrder, summarize, workerCounts } from '../harness/stats.js';
import { calibrateBurn } from '../workloads/calibrate.js';
import { type BenchTask, benchTasks, CONTENDERS, type ContenderName, startPool } from '../workloads/pools.js';

const TASK_MS = 50;
const SEQUENTIAL = 'main thread';
/** Speedup at 2 workers the issue asks for, and lingflow's largest excess over raw Piscina. */
const SPEEDUP_GOAL = 1.9;
const OVERHEAD_GOAL = 1.02;

/** Measurements for one worker count: every contender and the main-thread baseline, in the same rounds. */
interface WorkerGroup {
  workers: number;
  samples: RoundSamples;
}

/**
 * Section 1: independent CPU tasks of about 50 ms, run one by one on the main thread, then by lingflow,
 * raw Piscina and raw Tinypool with 1 … cores workers and twice the cores. Each worker count is one group
 * of rounds in which the baseline and the three pools take turns, their order rotating every round.
 */
export const section: BenchSection = {
  id: 'cpu-speedup',
  title: 'Independent CPU tasks: speedup and efficiency',
  async run(context) {
    context.progress('calibrating the CPU work unit');
    const calibration = calibrateBurn();
    const taskCount = context.quick ? 16 : 32;
    const iterations = Math.round(calibration.iterationsPerMs * TASK_MS);
    const tasks = benchTasks<BurnPayload>(
      Array.from({ length: taskCount }, (_, index) => ({ iterations, seed: index + 1 })),
    );
    const rounds = { warmup: 1, repetitions: context.quick ? 2 : 8 };

    const groups: WorkerGroup[] = [];
    for (const workers of workerCounts(context.cores)) {
      const pools = CONTENDERS.map((name) => startPool<BurnPayload>(name, workers, 'agents/burn'));
      try {
        const cases: BenchCase[] = [
          {
            name: SEQUENTIAL,
            run: () => {
              for (const task of tasks) burnAgent(task);
            },
          },
          ...pools.map((pool) => ({ name: pool.name, run: () => pool.runAll(tasks) })),
        ];
        const samples = await measureRounds(cases, {
          ...rounds,
          onRun: (name, round, measured) =>
            context.progress(
              `${workers} worker${workers > 1 ? 's' : ''}: ${name}, ${measured ? `round ${round - rounds.warmup + 1}/${rounds.repetitions}` : 'warm-up'}`,
            ),
        });
        groups.push({ workers, samples });
      } finally {
        await Promise.all(pools.map((pool) => pool.close()));
      }
    }

    const coldStarts = await measureColdStarts(tasks, context.cores, context.quick ? 1 : 3, context.progress);
    const analysis = groups.map((group) => analyze(group, context.cores));
    return {
      tables: [
        resultTable(analysis, taskCount, context.cores),
        coldStartTable(coldStarts, taskCount, context.cores),
      ],
      raw: {
        taskCount,
        taskMs: TASK_MS,
        iterationsPerTask: iterations,
        calibration,
        rounds,
        groups,
        coldStartsMs: coldStarts,
        figures: {
          speedup: {
            title: `${taskCount} independent CPU tasks of ${TASK_MS} ms`,
            cores: context.cores,
            series: CONTENDERS.map((name) => ({
              name,
              points: analysis.map((row) => ({
                workers: row.workers,
                speedup: row.contenders[name].speedup,
              })),
            })),
          },
        },
      },
    };
  },
};

/**
 * The first batch on a fresh pool, timed from the pool's creation: threads start, modules load, and
 * whatever lingflow prepares per worker (its context engine's tokenizer) is paid here. Each contender
 * starts alone, so no pool boots its threads while another one is being timed.
 */
async function measureColdStarts(
  tasks: readonly BenchTask<BurnPayload>[],
  workers: number,
  repetitions: number,
  progress: (message: string) => void,
): Promise<Record<ContenderName, number[]>> {
  const samples = Object.fromEntries(CONTENDERS.map((name) => [name, [] as number[]])) as Record<
    ContenderName,
    number[]
  >;
  for (let round = 0; round < repetitions; round++) {
    for (const position of roundOrder(CONTENDERS.length, round)) {
      const name = CONTENDERS[position]!;
      progress(`first batch on a fresh pool: ${name}, ${round + 1}/${repetitions}`);
      const start = performance.now();
      const pool = startPool<BurnPayload>(name, workers, 'agents/burn');
      try {
        await pool.runAll(tasks);
        samples[name].push(performance.now() - start);
      } finally {
        await pool.close();
      }
    }
  }
  return samples;
}

function coldStartTable(
  samples: Record<ContenderName, number[]>,
  taskCount: number,
  workers: number,
): BenchTable {
  const piscina = median(samples.Piscina);
  return {
    title: `First batch of ${taskCount} tasks on a fresh pool of ${workers} workers`,
    columns: ['pool', 'milliseconds from creation', 'against Piscina'],
    rows: CONTENDERS.map((name) => [
      name,
      formatSummary(summarize(samples[name])),
      formatFactor(median(samples[name]) / piscina),
    ]),
    notes: [
      'What a program that starts a pool and runs one batch waits: thread start-up and module loading included, ' +
        'which the warmed-up rounds above leave out.',
    ],
  };
}

interface ContenderAnalysis {
  summary: SampleSummary;
  speedup: number;
  efficiency: number;
}

interface GroupAnalysis {
  workers: number;
  baseline: SampleSummary;
  contenders: Record<ContenderName, ContenderAnalysis>;
  /** Median over the rounds of lingflow's wall time over raw Piscina's. */
  overhead: number;
  /** Median over the rounds of lingflow's CPU time (all threads) over raw Piscina's. */
  cpuOverhead: number;
}

function analyze(group: WorkerGroup, cores: number): GroupAnalysis {
  const { wallMs, cpuMs } = group.samples;
  const baseline = summarize(wallMs[SEQUENTIAL]!);
  const contenders = Object.fromEntries(
    CONTENDERS.map((name) => {
      // The speedup of each round, main thread and pool measured seconds apart; then their median.
      const speedup = pairedRatio(wallMs[SEQUENTIAL]!, wallMs[name]!);
      return [
        name,
        { summary: summarize(wallMs[name]!), speedup, efficiency: efficiency(speedup, group.workers, cores) },
      ];
    }),
  ) as Record<ContenderName, ContenderAnalysis>;
  return {
    workers: group.workers,
    baseline,
    contenders,
    overhead: pairedRatio(wallMs.lingflow!, wallMs.Piscina!),
    cpuOverhead: pairedRatio(cpuMs.lingflow!, cpuMs.Piscina!),
  };
}

function resultTable(rows: GroupAnalysis[], taskCount: number, cores: number): BenchTable {
  const notes = [
    'Times are wall-clock milliseconds for the whole batch: median (min–max) of the measured rounds. Speedup is ' +
      'the median over the rounds of the main-thread time over the pool time in that round (pairing cancels the ' +
      'machine’s drift between rounds); efficiency is speedup ÷ min(workers, cores).',
    '"lingflow ÷ Piscina" is the median over the rounds of lingflow’s wall time over raw Piscina’s in that round: ' +
      '1.00 means no overhead. "CPU ÷ Piscina" compares the CPU time both used (all threads), which other ' +
      'processes barely disturb: it shows overhead even when a busy machine makes wall times noisy.',
  ];
  const atTwo = rows.find((row) => row.workers === 2);
  if (atTwo) {
    const { speedup: measured } = atTwo.contenders.lingflow;
    notes.push(
      `Goal: speedup ≥ ${SPEEDUP_GOAL} at 2 workers: ${formatFactor(measured)} (${verdict(measured >= SPEEDUP_GOAL)}).`,
    );
  }
  const withinCores = rows.filter((row) => row.workers <= cores);
  const worst = Math.max(...withinCores.map((row) => row.overhead));
  notes.push(
    `Goal: lingflow within ${Math.round((OVERHEAD_GOAL - 1) * 100)}% of raw Piscina up to ${cores} workers: worst ratio ` +
      `${worst.toFixed(3)} (${verdict(worst <= OVERHEAD_GOAL)}).`,
  );
  return {
    title: `${taskCount} independent CPU tasks of ${TASK_MS} ms`,
    columns: [
      'workers',
      SEQUENTIAL,
      ...CONTENDERS.flatMap((name) => [name, `${name} speedup`]),
      'lingflow efficiency',
      'lingflow ÷ Piscina',
      'CPU ÷ Piscina',
    ],
    rows: rows.map((row) => [
      row.workers > cores ? `${row.workers} (2× cores)` : row.workers,
      formatMs(row.baseline.median),
      ...CONTENDERS.flatMap((name) => [
        formatSummary(row.contenders[name].summary),
        formatFactor(row.contenders[name].speedup),
      ]),
      formatPercent(row.contenders.lingflow.efficiency),
      row.overhead.toFixed(3),
      row.cpuOverhead.toFixed(3),
    ]),
    notes,
  };
}
