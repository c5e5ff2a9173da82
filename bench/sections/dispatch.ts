import benny from 'benny';
import type { Summary } from 'benny/lib/internal/common-types.js';
import { ThreadHost } from '../../src/execution/thread-host.js';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { validateTasks } from '../../src/graph/validate-tasks.js';
import { criticalPathOrder } from '../../src/scheduling/dispatch-order.js';
import { SchedulerCore } from '../../src/scheduling/scheduler-core.js';
import { simulate } from '../../src/scheduling/simulate.js';
import type { Task } from '../../src/types.js';
import { TaskPriority } from '../../src/types.js';
import { formatCount } from '../harness/format.js';
import type { BenchSection } from '../harness/section.js';
import type { CostedTask } from '../workloads/dags.js';
import { layeredDag } from '../workloads/dags.js';

const TASKS = 1000;

/** A micro-benchmark: `items` units of work per call, so the table can show the cost of one. */
interface MicroCase {
  name: string;
  items: number;
  run(): void;
}

/**
 * Section 4: micro-benchmarks, with benny, of what lingflow does on the main thread for every task: the
 * scheduler core's dispatch and settle, validation and ranking, and opening and closing the task's call on
 * its thread's host channel, which routes its progress and logs.
 */
export const section: BenchSection = {
  id: 'dispatch',
  title: 'Per-task costs on the main thread (micro-benchmarks)',
  async run(context) {
    const independent: CostedTask[] = Array.from({ length: TASKS }, (_, index) => ({
      id: `t${index}`,
      agentType: 'cpu',
      dependencies: [],
      costMs: 1 + (index % 7),
    }));
    const layered = layeredDag({ seed: 1, layers: 20, width: 50, minMs: 1, maxMs: 9, maxDependencies: 3 });
    const tasks: Task[] = layered.map(({ id, agentType, dependencies }) => ({ id, agentType, dependencies }));
    const host = new ThreadHost();
    const hooks = { onProgress() {}, onLog() {} };
    const cases: MicroCase[] = [
      {
        name: `scheduler core: ${TASKS} independent tasks, virtual time`,
        items: TASKS,
        run: () => simulateAll(independent),
      },
      {
        name: `scheduler core: layered DAG of ${layered.length} tasks, virtual time`,
        items: layered.length,
        run: () => simulateAll(layered),
      },
      {
        name: `validate, build graph and rank ${tasks.length} tasks`,
        items: tasks.length,
        run: () => {
          validateTasks(tasks, { knownAgents: new Set(['cpu']), canSelectAgent: () => false });
          const graph = buildTaskGraph(tasks);
          criticalPathOrder(
            graph,
            tasks.map(() => TaskPriority.NORMAL),
            new Float64Array(graph.size).fill(1),
          );
        },
      },
      {
        name: 'host channel: open and close a task’s call',
        items: 1,
        run: () => host.close(host.open(hooks)),
      },
    ];
    const maxTime = context.quick ? 0.5 : 2;
    context.progress(`${cases.length} micro-benchmarks, about ${maxTime} s each`);
    const summary = await quietly(() =>
      benny.suite(
        'lingflow per-task costs',
        ...cases.map((entry) => benny.add(entry.name, entry.run, { maxTime, minSamples: 5 })),
      ),
    );
    return {
      tables: [
        {
          title: 'Per-task costs on the main thread',
          columns: ['operation', 'calls per second', 'per task (µs)', '± %'],
          rows: summary.results.map((result, index) => [
            result.name,
            formatCount(result.ops),
            (1e6 / (result.ops * cases[index]!.items)).toFixed(2),
            result.margin.toFixed(1),
          ]),
          notes: [
            'Measured with benny (benchmark.js) on the main thread. "Per task" divides a call by the tasks it handles: ' +
              'what lingflow adds for each task before any thread does work. For 50 ms tasks, 10 µs is 0.02%.',
          ],
        },
      ],
      raw: { summary },
    };
  },
};

function simulateAll(tasks: readonly CostedTask[]): void {
  const graph = buildTaskGraph(tasks);
  const core = new SchedulerCore({
    graph,
    order: criticalPathOrder(
      graph,
      tasks.map(() => TaskPriority.NORMAL),
      tasks.map((task) => task.costMs),
    ),
    maxAttempts: tasks.map(() => 1),
    limits: { cpu: 4, io: 4 },
    failurePolicy: 'continue',
    retryDelayMs: () => 0,
  });
  simulate(core, { attempt: (index) => ({ durationMs: tasks[index]!.costMs }) });
}

/** Runs benny with its console chatter silenced: it would tear the progress line and the summary. */
async function quietly(run: () => Promise<Summary>): Promise<Summary> {
  const log = console.log;
  console.log = () => {};
  try {
    return await run();
  } finally {
    console.log = log;
  }
}
