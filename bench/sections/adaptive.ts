import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControllerDecision } from '../../src/adaptive/concurrency-controller.js';
import { DEFAULT_CONTROL_INTERVAL_MS } from '../../src/adaptive/live-parallelism.js';
import { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import { bottomLevels } from '../../src/graph/ranks.js';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { knownOptimumWorkflow } from '../../src/scheduling/known-optimum.js';
import { planWorkflow } from '../../src/scheduling/planner.js';
import { simulateOrder } from '../../src/scheduling/simulate-order.js';
import type { Task } from '../../src/types.js';
import type { BurnPayload } from '../agents/burn.js';
import { formatMs, formatPercent, verdict } from '../harness/format.js';
import type { BenchContext, BenchSection, BenchTable } from '../harness/section.js';
import { median } from '../harness/stats.js';
import { calibrateBurn } from '../workloads/calibrate.js';
import type { CostedTask } from '../workloads/dags.js';
import { guideWorkflow, layeredDag } from '../workloads/dags.js';
import { benchModuleUrl } from '../workloads/module-url.js';

/** Goals of the issue. */
const GOALS = {
  loadedShareOfBest: 0.95,
  settleIntervals: 10,
  idleShareOfBest: 0.97,
  plannerError: 0.1,
  averageGap: 0.003,
  worstGap: 0.02,
};
const AGENT = 'burn';
/** Cost of each task of the throughput runs: short enough for many completions per control interval. */
const THROUGHPUT_TASK_MS = 25;
const FIXED_SETTINGS = [1, 2, 3, 4] as const;
type Setting = 'auto' | (typeof FIXED_SETTINGS)[number];

/** Phase lengths of one throughput run: idle machine, another program busy, idle again. */
interface Phases {
  idleMs: number;
  loadedMs: number;
  recoveryMs: number;
  controlIntervalMs: number;
}

/** What one run of one setting measured. */
interface ThroughputRun {
  setting: Setting;
  /** Tasks completed per second in each phase. */
  idle: number;
  loaded: number;
  recovery: number;
  /** Control intervals from the other program's start (stop) to the controller's last change after it. */
  settleIntervals?: number;
  regrowIntervals?: number;
  limits: { idle?: number; loaded?: number; recovery?: number };
  decisions: (ControllerDecision & { atMs: number })[];
}

/**
 * Section: adaptive parallelism and the planner. (a) Another CPU-bound program starts mid-run: tasks per
 * second of `'auto'` against each fixed setting, and control intervals to settle. (b) The same runs
 * before it starts: `'auto'` against the best fixed setting on an idle machine. (c) The planner's
 * predicted makespan against the measured one for CPU workflows of known cost. (d) The planner's gap to
 * the optimum on 100-task graphs built around a schedule without idle time, against plain
 * critical-path order.
 */
export const section: BenchSection = {
  id: 'adaptive',
  title: "Adaptive parallelism ('auto') and the workflow planner",
  async run(context) {
    context.progress('calibrating the CPU work unit');
    const { iterationsPerMs } = calibrateBurn();
    const phases: Phases = context.quick
      ? { idleMs: 1000, loadedMs: 2500, recoveryMs: 1000, controlIntervalMs: 250 }
      : { idleMs: 5000, loadedMs: 8000, recoveryMs: 5000, controlIntervalMs: DEFAULT_CONTROL_INTERVAL_MS };
    const rounds = context.quick ? 1 : 2;
    const runs: ThroughputRun[] = [];
    const settings: Setting[] = ['auto', ...FIXED_SETTINGS];
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so that no setting always runs first, on a cooler or warmer machine.
      for (const [position, setting] of rotate(settings, round).entries()) {
        context.progress(
          `throughput, round ${round + 1}/${rounds}, ${position + 1}/${settings.length}: ${setting}`,
        );
        runs.push(await throughputRun(setting, phases, iterationsPerMs, context));
      }
    }
    const predictions = await plannerAccuracy(iterationsPerMs, context);
    context.progress('optimality gap on graphs with a known optimum');
    const gaps = optimalityGaps(context.quick ? 10 : 100);

    const { tables, warnings } = report(runs, phases, predictions, gaps, context);
    return { tables, warnings, raw: { phases, iterationsPerMs, runs, predictions, gaps } };
  },
};

/** Runs an endless supply of equal CPU tasks with one setting through the three phases. */
async function throughputRun(
  setting: Setting,
  phases: Phases,
  iterationsPerMs: number,
  context: BenchContext,
): Promise<ThroughputRun> {
  const coordinator = new AgentCoordinator({
    maxParallelAgents: setting,
    controlIntervalMs: phases.controlIntervalMs,
    agents: { [AGENT]: { module: benchModuleUrl('agents/burn'), kind: 'cpu' } },
  });
  const totalMs = phases.idleMs + phases.loadedMs + phases.recoveryMs;
  // More tasks than the run can finish on every core; the run is aborted at the end.
  const count = Math.ceil(((totalMs + 2000) / THROUGHPUT_TASK_MS) * context.cores * 1.5);
  const iterations = Math.round(THROUGHPUT_TASK_MS * iterationsPerMs);
  const tasks: Task[] = Array.from({ length: count }, (_, index) => ({
    id: `t${index}`,
    agentType: AGENT,
    context: { iterations, seed: index + 1 } satisfies BurnPayload,
  }));
  const finishedAt: number[] = [];
  const decisions: ThroughputRun['decisions'] = [];
  let firstFinish: () => void = () => {};
  const warm = new Promise<void>((resolve) => {
    firstFinish = resolve;
  });
  coordinator.on('taskFinished', ({ result }) => {
    if (result.status !== 'completed') return;
    finishedAt.push(performance.now());
    firstFinish();
  });
  coordinator.on('parallelismChanged', (decision) =>
    decisions.push({ ...decision, atMs: performance.now() }),
  );
  const abort = new AbortController();
  const running = coordinator.executeWorkflow(tasks, { signal: abort.signal });
  let hog: ChildProcess | undefined;
  try {
    // Threads start and compile the agent first; phases begin with the first completion.
    await warm;
    const idleFrom = performance.now();
    await sleep(phases.idleMs);
    const limitIdle = coordinator.getStatus().parallelismLimit;
    const loadedFrom = performance.now();
    const intervalsAtLoad = coordinator.getStatus().controller?.intervals;
    hog = startCpuHog();
    await sleep(phases.loadedMs);
    const limitLoaded = coordinator.getStatus().parallelismLimit;
    hog.kill('SIGKILL');
    hog = undefined;
    const recoveryFrom = performance.now();
    const intervalsAtRecovery = coordinator.getStatus().controller?.intervals;
    await sleep(phases.recoveryMs);
    const end = performance.now();
    const limitRecovery = coordinator.getStatus().parallelismLimit;
    const rate = (from: number, to: number) =>
      (finishedAt.filter((at) => at > from && at <= to).length / (to - from)) * 1000;
    const lastChangeAfter = (from: number, to: number, intervalsAtStart: number | undefined) => {
      if (intervalsAtStart === undefined) return undefined;
      const changes = decisions.filter((decision) => decision.atMs > from && decision.atMs <= to);
      return changes.length === 0 ? 0 : changes.at(-1)!.interval - intervalsAtStart;
    };
    const settleIntervals = lastChangeAfter(loadedFrom, recoveryFrom, intervalsAtLoad);
    const regrowIntervals = lastChangeAfter(recoveryFrom, end, intervalsAtRecovery);
    return {
      setting,
      idle: rate(idleFrom, loadedFrom),
      loaded: rate(loadedFrom, recoveryFrom),
      recovery: rate(recoveryFrom, end),
      ...(settleIntervals === undefined ? {} : { settleIntervals }),
      ...(regrowIntervals === undefined ? {} : { regrowIntervals }),
      limits: { idle: limitIdle, loaded: limitLoaded, recovery: limitRecovery },
      decisions,
    };
  } finally {
    hog?.kill('SIGKILL');
    abort.abort();
    await running;
    await coordinator.close();
  }
}

/**
 * Another program keeping one core busy. It is detached, so it runs in its own session as a separately
 * started program does; where the kernel groups sessions for fairness (autogroup), it gets its fair share
 * however many threads lingflow runs.
 */
function startCpuHog(): ChildProcess {
  const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { detached: true, stdio: 'ignore' });
  hog.unref();
  return hog;
}

/** One workflow's predicted and measured makespans for one worker count. */
interface Prediction {
  workflow: string;
  workers: number;
  predictedMs: number;
  measuredMs: number[];
  /**
   * The plan redone with each task's duration as measured in the run: what the prediction would be with
   * perfectly known costs, which separates scheduling error from calibration error.
   */
  replannedMs: number[];
}

/**
 * Iterations of the CPU work per millisecond as a warm worker thread runs them: the median of several
 * 50 ms tasks, each timed inside the worker.
 */
async function calibrateInWorker(iterationsPerMs: number): Promise<number> {
  const iterations = Math.round(50 * iterationsPerMs);
  const coordinator = new AgentCoordinator({
    maxParallelAgents: 1,
    agents: { [AGENT]: { module: benchModuleUrl('agents/burn'), kind: 'cpu' } },
  });
  try {
    const tasks = Array.from({ length: 8 }, (_, index) => ({
      id: `calibrate-${index}`,
      agentType: AGENT,
      context: { iterations, seed: index + 1 } satisfies BurnPayload,
    }));
    await coordinator.executeTasksParallel(tasks.slice(0, 2));
    const results = await coordinator.executeTasksParallel(tasks);
    return iterations / median(results.map((result) => result.durationMs));
  } finally {
    await coordinator.close();
  }
}

/** (c) Runs CPU workflows of known cost in the planned order and compares makespans with the plan. */
async function plannerAccuracy(iterationsPerMs: number, context: BenchContext): Promise<Prediction[]> {
  const workflows: { name: string; costed: CostedTask[] }[] = [
    { name: 'guide: 9-task mixed workflow', costed: guideWorkflow() },
    {
      name: 'layered DAG 6×8 (seed 7)',
      costed: layeredDag({ seed: 7, layers: 6, width: 8, minMs: 10, maxMs: 80, maxDependencies: 3 }),
    },
  ];
  const repetitions = context.quick ? 1 : 3;
  // Costs are known only if they are measured where tasks run: a worker thread may run the loop at
  // another speed than the main thread that calibrated it.
  const iterationsPerWorkerMs = await calibrateInWorker(iterationsPerMs);
  const predictions: Prediction[] = [];
  for (const { name, costed } of workflows) {
    const durations = Object.fromEntries(costed.map((task) => [task.id, task.costMs]));
    const tasks: Task[] = costed.map((task, index) => ({
      id: task.id,
      agentType: AGENT,
      dependencies: task.dependencies,
      ...(task.priority ? { priority: task.priority } : {}),
      context: {
        iterations: Math.round(task.costMs * iterationsPerWorkerMs),
        seed: index + 1,
      } satisfies BurnPayload,
    }));
    for (const workers of context.quick ? [context.cores] : [1, context.cores]) {
      context.progress(`planner accuracy: ${name}, ${workers} worker(s)`);
      const plan = planWorkflow(tasks, { workers: [workers], durations });
      const coordinator = new AgentCoordinator({
        maxParallelAgents: workers,
        agents: { [AGENT]: { module: benchModuleUrl('agents/burn'), kind: 'cpu' } },
      });
      const measuredMs: number[] = [];
      const replannedMs: number[] = [];
      try {
        // The first run warms the threads and compiles the agent.
        for (let run = 0; run <= repetitions; run++) {
          let firstStart = Number.POSITIVE_INFINITY;
          let lastFinish = 0;
          const onStart = () => {
            firstStart = Math.min(firstStart, performance.now());
          };
          const onFinish = () => {
            lastFinish = performance.now();
          };
          coordinator.on('taskStarted', onStart);
          coordinator.on('taskFinished', onFinish);
          const results = await coordinator.executeWorkflow(tasks, { optimizeOrder: true, durations });
          coordinator.off('taskStarted', onStart);
          coordinator.off('taskFinished', onFinish);
          if (run === 0) continue;
          measuredMs.push(lastFinish - firstStart);
          const actual = Object.fromEntries(results.map((result) => [result.taskId, result.durationMs]));
          replannedMs.push(
            planWorkflow(tasks, { workers: [workers], durations: actual }).plans[0]!.makespanMs,
          );
        }
      } finally {
        await coordinator.close();
      }
      predictions.push({
        workflow: name,
        workers,
        predictedMs: plan.plans[0]!.makespanMs,
        measuredMs,
        replannedMs,
      });
    }
  }
  return predictions;
}

/** (d) Gaps to the optimum of plain critical-path order and of the planner, per worker count. */
interface GapResult {
  workers: number;
  graphs: number;
  criticalPath: { average: number; worst: number };
  planner: { average: number; worst: number; optimal: number };
  planMsAverage: number;
}

function optimalityGaps(graphs: number): GapResult[] {
  return [4, 8].map((workers) => {
    const plainGaps: number[] = [];
    const plannedGaps: number[] = [];
    let planMs = 0;
    for (let seed = 1; seed <= graphs; seed++) {
      const workflow = knownOptimumWorkflow({ seed, tasks: 100, workers });
      const graph = buildTaskGraph(workflow.tasks);
      const costs = workflow.tasks.map((task) => workflow.durations[task.id]!);
      const plain = simulateOrder(
        { graph, costs },
        { priorityClass: new Uint8Array(graph.size), urgency: bottomLevels(graph, costs) },
        workers,
      );
      plainGaps.push(plain.makespanMs / workflow.optimumMs - 1);
      const started = performance.now();
      const plan = planWorkflow(workflow.tasks, { workers: [workers], durations: workflow.durations });
      planMs += performance.now() - started;
      plannedGaps.push(plan.plans[0]!.makespanMs / workflow.optimumMs - 1);
    }
    const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    return {
      workers,
      graphs,
      criticalPath: { average: average(plainGaps), worst: Math.max(...plainGaps) },
      planner: {
        average: average(plannedGaps),
        worst: Math.max(...plannedGaps),
        optimal: plannedGaps.filter((gap) => gap < 1e-9).length,
      },
      planMsAverage: planMs / graphs,
    };
  });
}

function report(
  runs: ThroughputRun[],
  phases: Phases,
  predictions: Prediction[],
  gaps: GapResult[],
  context: BenchContext,
): { tables: BenchTable[]; warnings: string[] } {
  const warnings: string[] = [];
  const settings = [...new Set(runs.map((run) => run.setting))];
  const meanOf = (setting: Setting, phase: 'idle' | 'loaded' | 'recovery') => {
    const values = runs.filter((run) => run.setting === setting).map((run) => run[phase]);
    return values.reduce((sum, value) => sum + value, 0) / values.length;
  };
  const bestFixed = (phase: 'idle' | 'loaded' | 'recovery') =>
    Math.max(...FIXED_SETTINGS.map((setting) => meanOf(setting, phase)));
  const autoRuns = runs.filter((run) => run.setting === 'auto');
  const worstSettle = Math.max(...autoRuns.map((run) => run.settleIntervals ?? 0));
  const worstRegrow = Math.max(...autoRuns.map((run) => run.regrowIntervals ?? 0));
  const loadedShare = meanOf('auto', 'loaded') / bestFixed('loaded');
  const idleShare = meanOf('auto', 'idle') / bestFixed('idle');
  const autogroup = readAutogroup();
  if (autogroup !== 'on')
    warnings.push(
      `kernel autogroup is ${autogroup}: the other program competes per thread, so fixed settings with more threads than cores take more of the CPU from it`,
    );

  const throughputTable: BenchTable = {
    title: `(a, b) Tasks of ${THROUGHPUT_TASK_MS} ms per second: idle, while another CPU-bound program runs, after it stops (${context.cores} cores)`,
    columns: [
      'maxParallelAgents',
      'idle',
      'other program busy',
      'after it stops',
      'limit (idle / busy / after)',
    ],
    rows: settings.map((setting) => {
      const last = runs.filter((run) => run.setting === setting).at(-1)!;
      return [
        String(setting),
        meanOf(setting, 'idle').toFixed(1),
        meanOf(setting, 'loaded').toFixed(1),
        meanOf(setting, 'recovery').toFixed(1),
        `${last.limits.idle} / ${last.limits.loaded} / ${last.limits.recovery}`,
      ];
    }),
    notes: [
      `Phases ${phases.idleMs / 1000} s idle, ${phases.loadedMs / 1000} s with one busy-loop process started mid-run (its own session), ${phases.recoveryMs / 1000} s after it is killed; control interval ${phases.controlIntervalMs} ms; mean of ${autoRuns.length} round(s); kernel autogroup ${autogroup}.`,
      `(a) 'auto' while the other program runs: ${formatPercent(loadedShare)} of the best fixed setting (goal ≥ ${formatPercent(GOALS.loadedShareOfBest)}): ${verdict(loadedShare >= GOALS.loadedShareOfBest)}.`,
      `(a) 'auto' settled ${worstSettle} control interval(s) after the program started, at worst (goal ≤ ${GOALS.settleIntervals}): ${verdict(worstSettle <= GOALS.settleIntervals)}; and ${worstRegrow} after it stopped.`,
      `(b) 'auto' on the idle machine: ${formatPercent(idleShare)} of the best fixed setting (goal ≥ ${formatPercent(GOALS.idleShareOfBest)}): ${verdict(idleShare >= GOALS.idleShareOfBest)}.`,
    ],
  };
  const decisionsTable: BenchTable = {
    title: "'auto' decisions in the last run (interval: action, limit)",
    columns: ['interval', 'action', 'limit', 'free cores', 'throughput before (work ms/s)'],
    rows: (autoRuns.at(-1)?.decisions ?? []).map((decision) => [
      decision.interval,
      decision.action,
      `${decision.previousLimit} → ${decision.limit}`,
      decision.availableCores.toFixed(2),
      decision.throughput.toFixed(0),
    ]),
  };

  const errors = predictions.map((prediction) => median(prediction.measuredMs) / prediction.predictedMs - 1);
  const worstError = Math.max(...errors.map(Math.abs));
  const plannerTable: BenchTable = {
    title:
      '(c) Planner: predicted against measured makespan, CPU workflows of known cost run in the planned order',
    columns: [
      'workflow',
      'workers',
      'predicted ms',
      'measured ms (median)',
      'error',
      'replanned from run ms',
    ],
    rows: predictions.map((prediction, index) => [
      prediction.workflow,
      prediction.workers,
      formatMs(prediction.predictedMs),
      formatMs(median(prediction.measuredMs)),
      `${errors[index]! >= 0 ? '+' : ''}${formatPercent(errors[index]!)}`,
      formatMs(median(prediction.replannedMs)),
    ]),
    notes: [
      `Largest error ${formatPercent(worstError)} (goal < ${formatPercent(GOALS.plannerError)}): ${verdict(worstError < GOALS.plannerError)}.`,
      'Costs come from calibrating the CPU work in a warm worker thread; "replanned" uses the durations the run measured, so a gap between it and "predicted" is calibration, a gap between it and "measured" is scheduling and dispatch.',
    ],
  };

  const averageGap = Math.max(...gaps.map((gap) => gap.planner.average));
  const worstGap = Math.max(...gaps.map((gap) => gap.planner.worst));
  const gapTable: BenchTable = {
    title: '(d) Gap to the optimal makespan, random 100-task DAGs with a known optimum',
    columns: [
      'workers',
      'graphs',
      'critical path: average',
      'critical path: worst',
      'planner: average',
      'planner: worst',
      'planner: optimal',
      'ms per plan',
    ],
    rows: gaps.map((gap) => [
      gap.workers,
      gap.graphs,
      formatPercent(gap.criticalPath.average),
      formatPercent(gap.criticalPath.worst),
      `${(gap.planner.average * 100).toFixed(3)}%`,
      `${(gap.planner.worst * 100).toFixed(2)}%`,
      `${gap.planner.optimal}/${gap.graphs}`,
      formatMs(gap.planMsAverage),
    ]),
    notes: [
      'Each graph is cut from a schedule that keeps every worker busy until the optimum, so work / workers proves it optimal.',
      `Planner average gap ${(averageGap * 100).toFixed(3)}% (goal < ${formatPercent(GOALS.averageGap)}): ${verdict(averageGap < GOALS.averageGap)}; worst ${(worstGap * 100).toFixed(2)}% (goal < ${formatPercent(GOALS.worstGap)}): ${verdict(worstGap < GOALS.worstGap)}.`,
    ],
  };
  return { tables: [throughputTable, decisionsTable, plannerTable, gapTable], warnings };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function readAutogroup(): 'on' | 'off' | 'unknown' {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1' ? 'on' : 'off';
  } catch {
    return 'unknown';
  }
}
