import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import { AgentCoordinator } from '../../src/coordinator/agent-coordinator.js';
import type { Task } from '../../src/types.js';
import { benchModuleUrl } from './module-url.js';

/** Agent type name of the bench agent in lingflow's coordinator. */
export const BENCH_AGENT = 'bench';

/** A task as every contender receives it: lingflow as a `Task`, the raw pools as this very object. */
export interface BenchTask<Payload extends Record<string, unknown>> extends Task {
  id: string;
  agentType: typeof BENCH_AGENT;
  context: Payload;
}

/** Wraps payloads as bench tasks `t0`, `t1`, …. */
export function benchTasks<Payload extends Record<string, unknown>>(
  payloads: readonly Payload[],
): BenchTask<Payload>[] {
  return payloads.map((context, index) => ({ id: `t${index}`, agentType: BENCH_AGENT, context }));
}

/** A pool of worker threads running one bench agent, started and ready for whole workloads. */
export interface BenchPool<Payload extends Record<string, unknown>> {
  /** `lingflow`, `Piscina` or `Tinypool`. */
  readonly name: string;
  readonly workers: number;
  /** Runs every task, as many at once as the pool allows, and waits for all. */
  runAll(tasks: readonly BenchTask<Payload>[]): Promise<void>;
  close(): Promise<void>;
}

/** The names of the contenders, in the order tables list them. */
export const CONTENDERS = ['lingflow', 'Piscina', 'Tinypool'] as const;

/**
 * lingflow with context compression switched off (`enableCompression: false`), to show what the default
 * compression pass costs each task.
 */
export const LINGFLOW_UNCOMPRESSED = 'lingflow, compression off';

/** One of {@link CONTENDERS}, or {@link LINGFLOW_UNCOMPRESSED}. */
export type ContenderName = (typeof CONTENDERS)[number] | typeof LINGFLOW_UNCOMPRESSED;

/**
 * Starts one contender with `workers` threads running the agent module `agent` (e.g. `agents/burn`).
 * lingflow runs it through `AgentCoordinator.executeTasksParallel`; the raw pools load the same file as
 * their worker and get the same task objects, configured as a user would (fixed thread count, no idle
 * timeout), so the difference between them is what lingflow adds.
 */
export function startPool<Payload extends Record<string, unknown>>(
  name: ContenderName,
  workers: number,
  agent: string,
): BenchPool<Payload> {
  const module = benchModuleUrl(agent);
  switch (name) {
    case 'lingflow':
    case LINGFLOW_UNCOMPRESSED: {
      const coordinator = new AgentCoordinator({
        maxParallelAgents: workers,
        agents: { [BENCH_AGENT]: { module, kind: 'cpu' } },
        ...(name === LINGFLOW_UNCOMPRESSED ? { enableCompression: false } : {}),
      });
      return {
        name,
        workers,
        async runAll(tasks) {
          const results = await coordinator.executeTasksParallel(tasks);
          const failed = results.find((result) => !result.success);
          if (failed) throw new Error(`lingflow task ${failed.taskId} failed: ${failed.error}`);
        },
        close: () => coordinator.close(),
      };
    }
    case 'Piscina': {
      const pool = new Piscina(rawPoolOptions(module, workers));
      return rawPool(
        name,
        workers,
        (task) => pool.run(task),
        () => pool.close(),
      );
    }
    case 'Tinypool': {
      const pool = new Tinypool(rawPoolOptions(module, workers));
      return rawPool(
        name,
        workers,
        (task) => pool.run(task),
        () => pool.destroy(),
      );
    }
  }
}

/** How a user would configure a raw pool: a fixed number of threads and no idle timeout. */
function rawPoolOptions(module: URL, workers: number) {
  return {
    filename: module.href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
  };
}

/** A raw pool as a contender: every task submitted at once, then awaited. */
function rawPool<Payload extends Record<string, unknown>>(
  name: ContenderName,
  workers: number,
  run: (task: BenchTask<Payload>) => Promise<unknown>,
  close: () => Promise<unknown>,
): BenchPool<Payload> {
  return {
    name,
    workers,
    runAll: async (tasks) => void (await Promise.all(tasks.map(run))),
    close: async () => void (await close()),
  };
}
