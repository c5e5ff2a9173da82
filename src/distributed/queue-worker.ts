import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { Job } from 'bullmq';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { registerAgents } from '../agents/agent-registry.js';
import { TokenLimitError } from '../context/index.js';
import { resolveOptions } from '../coordinator/coordinator-options.js';
import {
  AgentError,
  AgentLoadError,
  ContextPreparationError,
  TaskCancelledError,
  TaskTimeoutError,
  ValidationError,
  WorkerCrashError,
} from '../errors.js';
import { createLocalExecutor } from '../execution/isolation-router.js';
import type { AgentIsolation, AgentSpec } from '../types.js';
import type { QueueJobNotice, QueueJobResult } from './job-payload.js';
import { validateJobPayload } from './job-payload.js';
import type { CancelNotice } from './queue-keys.js';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, queueKeys, queueNameIssues } from './queue-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { parseRedisConnection, redactConnection } from './redis-connection.js';
import { probeRedis } from './redis-probe.js';
import type { QueueWorkerInfo } from './worker-registry.js';
import { advertiseWorker, withdrawWorker } from './worker-registry.js';

/** Options of {@link runQueueWorker} (and of `lingflow worker`). */
export interface QueueWorkerOptions {
  /** `redis://[user:password@]host[:port][/db]`, `rediss://…` for TLS, or the URL with extra TLS options. */
  connection: RedisConnection;
  /** Queue name shared with the coordinators. Default `lingflow`. */
  queue?: string;
  /** Redis key prefix shared with the coordinators. Default `bull`. */
  prefix?: string;
  /** The agents this worker runs, by the type names coordinators use. Jobs naming others are refused. */
  agents: Record<string, AgentSpec>;
  /** Directory relative agent module paths resolve against. Default: `process.cwd()`. */
  baseDir?: string;
  /** Attempts run at once, and worker threads started; `auto` (default) sizes it from the machine. */
  concurrency?: number | 'auto';
  /** Where agents that do not choose run: `thread` (default) or `process` (child processes), as locally. */
  isolation?: AgentIsolation;
  /** Heap and stack limits of each worker thread. */
  resourceLimits?: ResourceLimits;
  /**
   * How long a job's lock lasts without renewal; a worker that dies is noticed this long after its last
   * renewal. Default 30,000 ms.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. Default 30,000 ms. */
  stalledIntervalMs?: number;
  /** Hears connection problems while the worker rides them out; messages never hold the password. */
  onError?(error: Error): void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** What it advertises on the queue: id, host, process id, capacity, agents. */
  readonly info: QueueWorkerInfo;
  /** The connection URL with its password masked. */
  readonly connectionLabel: string;
  /** Stops taking jobs, lets running attempts finish, and disconnects. */
  close(): Promise<void>;
}

const ADVERTISE_TTL_MS = 15_000;

/**
 * Takes jobs from a BullMQ queue and runs their agents on this machine exactly as a coordinator runs them
 * locally: on worker threads, or in child processes for agents with `isolation: 'process'`, through the same
 * executors, so this process's main thread only moves messages and renews job locks. Every job is validated before any agent runs. Coordinators cancel running jobs
 * through a pub/sub channel; the worker advertises its capacity under a key that expires if it dies.
 *
 * @throws {ValidationError} when the options are invalid.
 * @throws {QueueConnectionError} when Redis cannot be reached or refuses the credentials.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const queue = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const nameIssues = queueNameIssues(queue, prefix);
  if (nameIssues.length > 0) throw new ValidationError(nameIssues, 'queue worker options');
  const redis = parseRedisConnection(options.connection);
  const resolved = resolveOptions({
    agents: options.agents,
    baseDir: options.baseDir,
    resourceLimits: options.resourceLimits,
    isolation: options.isolation,
    ...(options.concurrency === 'auto' ? {} : { maxParallelAgents: options.concurrency }),
  });
  const agents = registerAgents(resolved.agents, resolved.baseDir);
  const label = redactConnection(options.connection);
  await probeRedis(redis, label);

  const keys = queueKeys(prefix, queue);
  const info: QueueWorkerInfo = {
    id: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    host: hostname(),
    pid: process.pid,
    concurrency: resolved.maxParallelAgents,
    agents: [...agents.keys()],
    startedAt: Date.now(),
  };
  const onError = (error: Error) => options.onError?.(error);
  const local = createLocalExecutor(resolved);
  const knownAgents = new Set(agents.keys());

  const processJob = async (job: Job, _token?: string, signal?: AbortSignal): Promise<QueueJobResult> => {
    let payload: ReturnType<typeof validateJobPayload>;
    try {
      payload = validateJobPayload(job.data, knownAgents);
    } catch (error) {
      return { ok: false, cause: 'invalid', detail: (error as Error).message, worker: info.id };
    }
    const notify = (notice: QueueJobNotice) => void job.updateProgress(notice).catch(onError);
    try {
      const outcome = await local.execute(
        {
          task: payload.task,
          agent: agents.get(payload.task.agentType)!,
          timeoutMs: payload.timeoutMs,
          ...(payload.compression ? { compression: payload.compression } : {}),
        },
        {
          signal: signal ?? new AbortController().signal,
          onProgress: (update) => notify({ kind: 'progress', ...update }),
          onLog: (entry) => notify({ kind: 'log', ...entry }),
        },
      );
      const result: QueueJobResult = {
        ok: true,
        output: outcome.output,
        outputFiles: outcome.outputFiles,
        // Across machines the process says more than a thread id, which every worker process repeats.
        workerId: info.pid,
        ...(outcome.durationMs === undefined ? {} : { durationMs: outcome.durationMs }),
        ...(outcome.context ? { context: outcome.context } : {}),
        worker: info.id,
      };
      return sendable(result, payload.task.agentType, payload.task.id);
    } catch (error) {
      return failureResult(error, info.id);
    }
  };

  const worker = new Worker(queue, processJob, {
    connection: { ...redis },
    prefix,
    name: info.id,
    concurrency: resolved.maxParallelAgents,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A stalled job fails at once instead of running again here: retries are the coordinator's, which
    // counts them and gives the next attempt its own job.
    maxStalledCount: 0,
  });
  worker.on('error', onError);

  const client = new Redis({ ...redis });
  client.on('error', onError);
  const subscriber = new Redis({ ...redis });
  subscriber.on('error', onError);
  subscriber.on('message', (_channel: string, message: string) => {
    const notice = parseCancelNotice(message);
    if (notice) worker.cancelJob(notice.jobId, notice.reason);
  });
  await subscriber.subscribe(keys.cancelChannel);
  const advertise = () => advertiseWorker(client, keys, info, ADVERTISE_TTL_MS).catch(onError);
  await advertise();
  const heartbeat = setInterval(advertise, ADVERTISE_TTL_MS / 3);
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    info,
    connectionLabel: label,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        await worker.close();
        await withdrawWorker(client, keys, info.id).catch(onError);
        await Promise.all([subscriber.quit(), client.quit(), local.close()]);
      })();
      return closing;
    },
  };
}

/** A result BullMQ can store: it keeps return values as JSON. */
function sendable(result: QueueJobResult, agentType: string, taskId: string): QueueJobResult {
  try {
    JSON.stringify(result);
    return result;
  } catch (error) {
    const detail = `its return value cannot be sent through the queue (${(error as Error).message})`;
    return failureResult(new AgentError(taskId, agentType, detail), result.worker);
  }
}

function failureResult(error: unknown, worker: string): QueueJobResult {
  if (error instanceof TaskTimeoutError)
    return { ok: false, cause: 'timeout', detail: error.message, worker };
  if (error instanceof TaskCancelledError)
    return { ok: false, cause: 'cancelled', detail: error.reason, worker };
  if (error instanceof AgentLoadError)
    return { ok: false, cause: 'load', detail: error.detail, moduleUrl: error.moduleUrl, worker };
  if (error instanceof AgentError)
    return {
      ok: false,
      cause: 'agent',
      detail: error.detail,
      ...(error.agentStack === undefined ? {} : { stack: error.agentStack }),
      worker,
    };
  if (error instanceof TokenLimitError) {
    const { field, neededTokens, maxTokens } = error;
    const tokenLimit = { ...(field === undefined ? {} : { field }), neededTokens, maxTokens };
    return { ok: false, cause: 'context', detail: error.message, tokenLimit, worker };
  }
  if (error instanceof ContextPreparationError)
    return { ok: false, cause: 'context', detail: error.detail, worker };
  if (error instanceof WorkerCrashError) return { ok: false, cause: 'crash', detail: error.detail, worker };
  return {
    ok: false,
    cause: 'crash',
    detail: error instanceof Error ? error.message : String(error),
    worker,
  };
}

function parseCancelNotice(message: string): CancelNotice | undefined {
  try {
    const notice = JSON.parse(message) as Partial<CancelNotice>;
    return typeof notice.jobId === 'string' && typeof notice.reason === 'string'
      ? { jobId: notice.jobId, reason: notice.reason }
      : undefined;
  } catch {
    return undefined;
  }
}
