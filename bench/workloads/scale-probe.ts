import { performance } from 'node:perf_hooks';
import { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import { buildTaskGraph } from '../../src/graph/task-graph.js';
import { criticalPathOrder } from '../../src/scheduling/dispatch-order.js';
import { SchedulerCore } from '../../src/scheduling/scheduler-core.js';
import type { Task } from '../../src/types.js';
import { TaskPriority } from '../../src/types.js';
import { layeredDag } from './dags.js';
import { benchModuleUrl } from './module-url.js';

/** What driving a large DAG through the scheduler core cost. */
export interface SchedulerScale {
  tasks: number;
  edges: number;
  slots: number;
  /** Building the graph and the dispatch order (critical-path ranks, inherited priorities), wall clock. */
  setupMs: number;
  /** Dispatching and completing every task, nothing else, wall clock. */
  driveMs: number;
  /** The same two phases in CPU time of this process, which other load on the machine inflates less. */
  setupCpuMs: number;
  driveCpuMs: number;
  /** Memory (heap and typed-array buffers) held by graph, order and core at their largest, after GC. */
  peakRetainedBytes: number;
}

/** Heap after real tiny tasks, each measured after a full GC. */
export interface RealRunMemory {
  tasksPerRun: number;
  runs: number;
  /** Heap and buffers in use after GC: before the first measured run, then after each run. */
  heapAfterGcBytes: number[];
}

/** Attempts each agent's history keeps (see AgentHistory). */
const HISTORY_KEPT = 10_000;

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('the scale probe needs node --expose-gc');
  collect();
  collect();
};
/** Live memory after a full GC: the JS heap plus the buffers behind typed arrays, which the core uses. */
const heapUsed = () => {
  gc();
  const { heapUsed: heap, external } = process.memoryUsage();
  return heap + external;
};

/** A 1000-wide layered DAG, each task waiting on 1–3 tasks of the layer before. */
function largeDag(taskCount: number): Task[] {
  const width = 1000;
  return layeredDag({
    seed: 6,
    layers: Math.ceil(taskCount / width),
    width,
    minMs: 1,
    maxMs: 100,
    maxDependencies: 3,
  }).map(({ costMs: _, ...task }) => task);
}

/**
 * Runs a large DAG through {@link SchedulerCore} the way a live run does (dispatch what fits, complete it,
 * dispatch again) with an executor that does nothing, so all that is measured is scheduling. One pass is
 * timed; a second, identical pass checkpoints the heap after GC to find the peak retained memory.
 */
export function measureSchedulerScale(taskCount = 100_000, slots = 8): SchedulerScale {
  const tasks = largeDag(taskCount);
  const edges = tasks.reduce((sum, task) => sum + (task.dependencies?.length ?? 0), 0);
  const before = heapUsed();
  let peak = 0;
  const drive = (checkpointEvery?: number) => {
    const started = performance.now();
    const startedCpu = process.cpuUsage();
    const graph = buildTaskGraph(tasks);
    const order = criticalPathOrder(
      graph,
      tasks.map(() => TaskPriority.NORMAL),
      tasks.map(() => 1),
    );
    const core = new SchedulerCore({
      graph,
      order,
      maxAttempts: new Uint8Array(graph.size).fill(1),
      limits: { cpu: slots, io: slots },
      failurePolicy: 'continue',
      retryDelayMs: () => 0,
    });
    const built = performance.now();
    const builtCpu = process.cpuUsage();
    let completed = 0;
    let now = 0;
    while (!core.finished) {
      for (const { index } of core.dispatch(now)) {
        core.succeed(index, now);
        if (checkpointEvery && ++completed % checkpointEvery === 0)
          peak = Math.max(peak, heapUsed() - before);
      }
      now++;
    }
    if (checkpointEvery) peak = Math.max(peak, heapUsed() - before);
    const cpuMs = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) =>
      (to.user - from.user + to.system - from.system) / 1000;
    return {
      setupMs: built - started,
      driveMs: performance.now() - built,
      setupCpuMs: cpuMs(startedCpu, builtCpu),
      driveCpuMs: cpuMs(builtCpu, process.cpuUsage()),
    };
  };
  drive(); // warm-up: the JIT compiles the hot paths
  const timed = drive();
  drive(Math.ceil(taskCount / 20));
  return { tasks: taskCount, edges, slots, ...timed, peakRetainedBytes: peak };
}

/**
 * Runs `runs` batches of trivial tasks through real worker threads on one coordinator and records the
 * heap after GC before and after each, to show that memory does not grow from run to run.
 */
export async function measureRealRunMemory(
  tasksPerRun = 20_000,
  runs = 3,
  threads = 2,
): Promise<RealRunMemory> {
  const coordinator = new AgentCoordinator({
    maxParallelAgents: threads,
    agents: { noop: { module: benchModuleUrl('agents/noop') } },
  });
  const batch = (size: number): Task[] =>
    Array.from({ length: size }, (_, value) => ({ id: `t${value}`, agentType: 'noop', context: { value } }));
  try {
    // The warm-up fills agent history (10,000 attempts kept per agent) and leaves a workflow as large as the
    // measured ones for getWorkflowStatus(); measured runs then only replace both, so growth is a leak.
    await coordinator.executeTasksParallel(batch(Math.max(HISTORY_KEPT, tasksPerRun)));
    const heapAfterGcBytes = [heapUsed()];
    for (let run = 0; run < runs; run++) {
      const results = await coordinator.executeTasksParallel(batch(tasksPerRun));
      if (results.some((result) => result.status !== 'completed')) throw new Error('a tiny task failed');
      heapAfterGcBytes.push(heapUsed());
    }
    return { tasksPerRun, runs, heapAfterGcBytes };
  } finally {
    await coordinator.close();
  }
}
