import type { WorkflowOptions } from '../../src/coordinator/agent-coordinator.js';
import { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import { traceSpansFromHistory } from '../../src/monitoring/chrome-trace.js';
import type { Task, TaskResult } from '../../src/types.js';
import type { BurnPayload } from '../agents/burn.js';
import type { GanttFigure } from '../harness/figures.js';
import { formatMs, formatPercent, formatSummary, verdict } from '../harness/format.js';
import { measureRounds } from '../harness/measure.js';
import type { BenchSection } from '../harness/section.js';
import { scheduleEfficiency, summarize } from '../harness/stats.js';
import { calibrateBurn } from '../workloads/calibrate.js';
import type { CostedTask } from '../workloads/dags.js';
import { guideWorkflow, layeredDag, workflowBounds } from '../workloads/dags.js';
import { benchModuleUrl } from '../workloads/module-url.js';

/** A layered DAG's makespan may exceed its lower bound by this factor at most (the issue's goal). */
const LAYERED_GOAL = 1.1;

interface WorkflowCase {
  /** Workflow and scheduling mode, e.g. `guide: 9-task mixed workflow, known durations`. */
  name: string;
  workflow: string;
  mode: string;
  costed: CostedTask[];
  tasks: Task[];
  options: WorkflowOptions;
  coordinator: AgentCoordinator;
  /** `Date.now()` when the latest run started, to read its attempts back from the history. */
  lastStartedAt: number;
  lastResults: TaskResult[];
}

/** The two ways a user may run a workflow: as it is, or telling lingflow the tasks' durations. */
const MODES = [
  { mode: 'as given', options: () => ({}) },
  {
    mode: 'known durations, optimized order',
    options: (costed: CostedTask[]): WorkflowOptions => ({
      durations: Object.fromEntries(costed.map((task) => [task.id, task.costMs])),
      optimizeOrder: true,
    }),
  },
] as const;

/**
 * Section 2: dependency graphs whose task costs are known: the guide's 9-task mixed workflow and a
 * layered random DAG, each run as given (lingflow estimates durations per agent type) and with the
 * durations given and the order optimized. The measured makespan is compared with the lower bound
 * max(total work / workers, critical path) and with lingflow's critical-path policy simulated without
 * overhead. The DAG's last run with known durations is drawn as gantt.svg and written as trace.json.
 */
export const section: BenchSection = {
  id: 'workflows',
  title: 'Workflows: makespan against the lower bound',
  async run(context) {
    context.progress('calibrating the CPU work unit');
    const { iterationsPerMs } = calibrateBurn();
    const workers = context.cores;
    const burn = { module: benchModuleUrl('agents/burn'), kind: 'cpu' as const };
    const dag = context.quick
      ? { seed: 42, layers: 4, width: 4, minMs: 20, maxMs: 100, maxDependencies: 3 }
      : { seed: 42, layers: 6, width: 8, minMs: 20, maxMs: 100, maxDependencies: 3 };
    const definitions = [
      { workflow: 'guide: 9-task mixed workflow', costed: guideWorkflow() },
      { workflow: `layered DAG ${dag.layers}×${dag.width} (seed ${dag.seed})`, costed: layeredDag(dag) },
    ];
    const coordinators = definitions.map(
      ({ costed }) =>
        new AgentCoordinator({
          maxParallelAgents: workers,
          agents: Object.fromEntries(costed.map((task) => [task.agentType, burn])),
        }),
    );
    const cases: WorkflowCase[] = definitions.flatMap(({ workflow, costed }, index) =>
      MODES.map(({ mode, options }) => ({
        name: `${workflow}, ${mode}`,
        workflow,
        mode,
        costed,
        tasks: costed.map((task, position) => toTask(task, iterationsPerMs, position)),
        options: options(costed),
        coordinator: coordinators[index]!,
        lastStartedAt: 0,
        lastResults: [],
      })),
    );
    const rounds = { warmup: 1, repetitions: context.quick ? 3 : 7 };
    try {
      const samples = await measureRounds(
        cases.map((entry) => ({
          name: entry.name,
          async run() {
            entry.lastStartedAt = Date.now();
            const results = await entry.coordinator.executeWorkflow(entry.tasks, entry.options);
            entry.lastResults = results;
            const failed = results.find((result) => !result.success);
            if (failed)
              throw new Error(`${entry.name}: task ${failed.taskId} ${failed.status}: ${failed.error}`);
          },
        })),
        {
          ...rounds,
          onRun: (name, round, measured) =>
            context.progress(
              `${name}, ${measured ? `round ${round - rounds.warmup + 1}/${rounds.repetitions}` : 'warm-up'}`,
            ),
        },
      );
      const rows = cases.map((entry) => {
        const bounds = workflowBounds(entry.costed, workers);
        const makespan = summarize(samples.wallMs[entry.name]!);
        return {
          entry,
          bounds,
          makespan,
          efficiency: scheduleEfficiency(bounds.lowerBoundMs, makespan.median),
        };
      });
      const layered = rows.filter(({ entry }) => entry.workflow === definitions.at(-1)!.workflow);
      const traced = layered.at(-1)!;
      const gantt: GanttFigure = {
        title: `${traced.entry.name}: last measured run on ${workers} workers`,
        spans: traceSpansFromHistory(
          traced.entry.coordinator,
          traced.entry.tasks,
          traced.entry.lastResults,
          traced.entry.lastStartedAt,
        ),
        lowerBoundMs: traced.bounds.lowerBoundMs,
      };
      return {
        tables: [
          {
            title: `Workflows on ${workers} workers`,
            columns: [
              'workflow',
              'scheduling',
              'tasks',
              'total work',
              'critical path',
              'lower bound',
              'policy, simulated',
              'measured makespan',
              'schedule efficiency',
            ],
            rows: rows.map(({ entry, bounds, makespan, efficiency }) => [
              entry.workflow,
              entry.mode,
              entry.costed.length,
              formatMs(bounds.totalWorkMs),
              formatMs(bounds.criticalPathMs),
              formatMs(bounds.lowerBoundMs),
              formatMs(bounds.simulatedMs),
              formatSummary(makespan),
              formatPercent(efficiency),
            ]),
            notes: [
              'Milliseconds. Lower bound = max(total work ÷ workers, critical path), from the known task costs; ' +
                'schedule efficiency = lower bound ÷ measured median makespan (100% means no schedule could be faster).',
              '"as given": lingflow ranks tasks by critical path with durations estimated per agent type from its ' +
                'history; "known durations, optimized order": `executeWorkflow(tasks, { durations, optimizeOrder: true })`.',
              '"policy, simulated" runs lingflow’s critical-path policy in virtual time with the true costs and no ' +
                'overhead: the gap between it and the lower bound is the policy’s, the gap between it and the ' +
                'measurement is overhead and cost estimates.',
              ...layered.map(
                ({ entry, bounds, makespan }) =>
                  `Goal: layered DAG (${entry.mode}) within ${Math.round((LAYERED_GOAL - 1) * 100)}% of the lower ` +
                  `bound: ${formatMs(makespan.median)} against ${formatMs(bounds.lowerBoundMs)} ms ` +
                  `(${verdict(makespan.median <= LAYERED_GOAL * bounds.lowerBoundMs)}).`,
              ),
            ],
          },
        ],
        raw: {
          workers,
          iterationsPerMs,
          rounds,
          workflows: rows.map(({ entry, bounds }) => ({
            name: entry.name,
            tasks: entry.costed,
            options: entry.options,
            bounds,
            samples: samples.wallMs[entry.name],
          })),
          figures: { gantt },
        },
      };
    } finally {
      await Promise.all(coordinators.map((coordinator) => coordinator.close()));
    }
  },
};

function toTask(task: CostedTask, iterationsPerMs: number, index: number): Task {
  const context: BurnPayload = { iterations: Math.round(task.costMs * iterationsPerMs), seed: index + 1 };
  return {
    id: task.id,
    agentType: task.agentType,
    dependencies: task.dependencies,
    ...(task.priority ? { priority: task.priority } : {}),
    context,
  };
}
