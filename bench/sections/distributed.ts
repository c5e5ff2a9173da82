import { performance } from 'node:perf_hooks';
import { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import type { Task } from '../../src/types.js';
import { formatCount, formatMs, formatSummary } from '../harness/format.js';
import type { BenchSection } from '../harness/section.js';
import { summarize, throughput } from '../harness/stats.js';
import { benchModuleUrl } from '../workloads/module-url.js';
import { RedisServer } from './distributed/redis-server.js';
import { WorkerProcess } from './distributed/worker-process.js';

const AGENT = 'bench';
/** A burn task long enough that throughput reflects the workers, short enough for a quick run. */
const BURN_ITERATIONS = 5e6;

/**
 * The BullMQ executor against local threads: the added latency of one task sent through Redis to a worker
 * process and back (tasks one after another, so nothing overlaps it), and the throughput of CPU tasks with
 * one and with two worker processes of one slot each. Redis and the workers run on this machine, on
 * loopback, so the figures are the floor of what a network adds.
 */
export const section: BenchSection = {
  id: 'distributed',
  title: 'Distributed: BullMQ executor and worker processes',
  async run(context) {
    const latencyTasks = context.quick ? 100 : 400;
    const burnTasks = context.quick ? 24 : 96;
    const redis = await RedisServer.start();
    const workers: WorkerProcess[] = [];
    const coordinators: AgentCoordinator[] = [];
    let queueNumber = 0;
    const startWorkers = async (count: number, queue: string, module: string) => {
      const started = await Promise.all(
        Array.from({ length: count }, () =>
          WorkerProcess.start({
            connection: redis.url(),
            queue,
            agents: { [AGENT]: { module: benchModuleUrl(module).href } },
            concurrency: 1,
          }),
        ),
      );
      workers.push(...started);
    };
    const coordinator = (module: string, queue: string | undefined, capacity: number) => {
      const created = new AgentCoordinator({
        agents: { [AGENT]: { module: benchModuleUrl(module).href } },
        ...(queue === undefined
          ? { maxParallelAgents: capacity }
          : { executor: { type: 'bullmq', connection: redis.url(), queue, capacity } }),
      });
      coordinators.push(created);
      return created;
    };

    try {
      // Latency: one task at a time, local thread against one worker process.
      const latency: Record<string, number[]> = {};
      for (const [name, queue] of [
        ['local thread', undefined],
        ['BullMQ, 1 worker process', `bench-${++queueNumber}`],
      ] as const) {
        if (queue) await startWorkers(1, queue, 'agents/noop');
        const subject = coordinator('agents/noop', queue, 1);
        const samples: number[] = [];
        for (let index = -10; index < latencyTasks; index++) {
          if (index % 50 === 0) context.progress(`${name}: task ${Math.max(0, index)}/${latencyTasks}`);
          const started = performance.now();
          await subject.dispatchAgent({ id: `t${index}`, agentType: AGENT, context: { value: index } });
          // The first ten warm up threads, connections and the JIT.
          if (index >= 0) samples.push(performance.now() - started);
        }
        latency[name] = samples;
      }
      const local = summarize(latency['local thread']!);
      const queued = summarize(latency['BullMQ, 1 worker process']!);

      // Throughput: the same CPU tasks on local threads and on one and two worker processes.
      const tasks: Task[] = Array.from({ length: burnTasks }, (_, index) => ({
        id: `b${index}`,
        agentType: AGENT,
        context: { iterations: BURN_ITERATIONS, seed: index + 1 },
      }));
      const rates: [string, number][] = [];
      for (const [name, processes] of [
        ['local threads, 2', 0],
        ['BullMQ, 1 worker process', 1],
        ['BullMQ, 2 worker processes', 2],
      ] as const) {
        context.progress(`${name}: ${burnTasks} CPU tasks`);
        const queue = processes === 0 ? undefined : `bench-${++queueNumber}`;
        if (queue) await startWorkers(processes, queue, 'agents/burn');
        const subject = coordinator('agents/burn', queue, Math.max(2, processes));
        await subject.executeTasksParallel(tasks.slice(0, 4));
        const started = performance.now();
        const results = await subject.executeTasksParallel(tasks);
        const elapsed = performance.now() - started;
        if (!results.every((result) => result.success)) throw new Error(`${name}: some bench tasks failed`);
        rates.push([name, throughput(burnTasks, elapsed)]);
      }

      return {
        tables: [
          {
            title: `Per-task latency, ${latencyTasks} trivial tasks one after another`,
            columns: ['executor', 'milliseconds per task'],
            rows: [
              ['local thread', formatSummary(local)],
              ['BullMQ, 1 worker process', formatSummary(queued)],
            ],
            notes: [
              `Overhead of the queue per task (median against median): ${formatMs(queued.median - local.median)} ms: ` +
                'enqueue, a worker taking the job, its thread running it, and the result coming back as an event.',
            ],
          },
          {
            title: `Throughput, ${burnTasks} CPU tasks of ${formatCount(BURN_ITERATIONS)} xorshift rounds`,
            columns: ['where', 'tasks per second'],
            rows: rates.map(([name, rate]) => [name, rate.toFixed(1)]),
            notes: [
              'Each worker process has one slot. On one machine two processes share its cores with Redis and the ' +
                'coordinator, so the second process adds at most what a free core allows.',
            ],
          },
        ],
        raw: {
          latencyMs: latency,
          throughput: Object.fromEntries(rates),
          burnTasks,
          burnIterations: BURN_ITERATIONS,
        },
      };
    } finally {
      await Promise.all(coordinators.map((subject) => subject.close()));
      await Promise.all(workers.map((worker) => worker.stop()));
      await redis.stop();
    }
  },
};
