import type { Job, Queue, QueueEvents } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { TokenLimitError } from '../context/index.js';
import {
  AgentError,
  AgentLoadError,
  ContextPreparationError,
  TaskCancelledError,
  TaskTimeoutError,
  ValidationError,
  WorkerCrashError,
} from '../errors.js';
import type { Invocation, InvocationHooks, InvocationOutcome, TaskExecutor } from '../execution/executor.js';
import { fingerprintTasks } from '../monitoring/fingerprint.js';
import { PRIORITY_RANK } from '../scheduling/dispatch-order.js';
import { TaskPriority } from '../types.js';
import { jobIdFor } from './job-id.js';
import type { QueueJobNotice, QueueJobPayload, QueueJobResult } from './job-payload.js';
import { PAYLOAD_VERSION } from './job-payload.js';
import type { CancelNotice, QueueKeys } from './queue-keys.js';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, queueKeys, queueNameIssues } from './queue-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { parseRedisConnection, redactConnection } from './redis-connection.js';
import { probeRedis } from './redis-probe.js';
import type { QueueWorkerInfo } from './worker-registry.js';
import { listWorkers } from './worker-registry.js';

/** Options of {@link BullmqExecutor}; also accepted as `new AgentCoordinator({ executor: { type: 'bullmq', … } })`. */
export interface BullmqExecutorOptions {
  type: 'bullmq';
  /** `redis://[user:password@]host[:port][/db]`, `rediss://…` for TLS, or the URL with extra TLS options. */
  connection: RedisConnection;
  /** Queue name shared with the workers. Default `lingflow`. */
  queue?: string;
  /** Redis key prefix shared with the workers. Default `bull`. */
  prefix?: string;
  /**
   * Attempts the coordinator keeps queued or running at once; it becomes the coordinator's default
   * `maxParallelAgents`. Default: the sum of the concurrency the workers listed on the queue advertise, read
   * again at every reconcile while jobs are pending, and 1 while no worker is listed, so that one job waits
   * for the first worker to come.
   */
  capacity?: number;
  /**
   * How often unfinished jobs are checked in Redis, which recovers results whose events were missed and
   * re-enqueues jobs that a Redis restarted without persistence has lost. Default 1000 ms.
   */
  reconcileIntervalMs?: number;
  /** How long finished jobs no coordinator collected stay in Redis. Default one day. */
  keepFinishedMs?: number;
  /** Hears connection problems while the executor rides them out; messages never hold the password. */
  onError?(error: Error): void;
}

/** One `execute` call waiting on a job. */
interface Waiter {
  invocation: Invocation;
  hooks: InvocationHooks;
  resolve(outcome: InvocationOutcome): void;
  reject(error: Error): void;
  detach(): void;
}

/** A job this executor enqueued and waits on; identical attempts of concurrent runs share one job. */
interface PendingJob {
  jobId: string;
  payload: QueueJobPayload;
  priority: number;
  waiters: Set<Waiter>;
  /** `queue.add` has succeeded at least once (the job may since have been lost by a restarted Redis). */
  submitted: boolean;
  /** A submit or check is under way; the reconciler leaves the job alone meanwhile. */
  busy: boolean;
  /** A worker has taken the job: its waiters heard `onStarted`. */
  active: boolean;
}

interface Connections {
  queue: Queue;
  events: QueueEvents;
  client: Redis;
}

/** Capacity while no worker is listed: enough for the first worker to find a job. */
const MIN_CAPACITY = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Runs attempts on BullMQ worker processes (`lingflow worker`) through Redis. The coordinator keeps the
 * DAG and hands this executor only ready tasks, each as one job whose id derives from the workflow, the
 * task and the attempt, so enqueuing again after a coordinator restart finds the job instead of
 * duplicating it. Priority classes become BullMQ priorities. Results, progress and logs come back through
 * BullMQ's event stream, and a periodic check of unfinished jobs covers events missed while Redis was away.
 * BullMQ never retries: a failed attempt, including one whose worker died (a stalled job), comes back as
 * a failure and the coordinator retries it under a new job id, exactly as with local threads. An attempt
 * starts when a worker takes its job (BullMQ's `active` event, or the periodic check), not when it is
 * enqueued. Without a fixed `capacity`, {@link threads} follows the workers listed on the queue.
 */
export class BullmqExecutor implements TaskExecutor {
  readonly keyedByWorkflow = true;
  readonly reportsStart = true;
  /** Without a fixed `capacity`: hears each change of {@link threads} as workers come and go. */
  readonly watchThreads?: (listener: (threads: number) => void) => () => void;
  /** The queue's name. */
  readonly queueName: string;
  readonly #redis: RedisOptions;
  readonly #label: string;
  readonly #prefix: string;
  readonly #keys: QueueKeys;
  readonly #options: BullmqExecutorOptions;
  readonly #pending = new Map<string, PendingJob>();
  /** Jobs of cancelled attempts: removed from Redis once they end, so a later run never reuses them. */
  readonly #discarded = new Set<string>();
  readonly #threadWatchers = new Set<(threads: number) => void>();
  /** Sum of the listed workers' concurrency when last read, at least {@link MIN_CAPACITY}. */
  #advertised = MIN_CAPACITY;
  #connections: Promise<Connections> | undefined;
  #reconciler: NodeJS.Timeout | undefined;
  #closed = false;

  /** @throws {ValidationError} listing every problem with the options (the password is never shown). */
  constructor(options: BullmqExecutorOptions) {
    const issues = queueNameIssues(options.queue ?? DEFAULT_QUEUE, options.prefix ?? DEFAULT_PREFIX);
    const { capacity, reconcileIntervalMs, keepFinishedMs } = options;
    if (capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 1))
      issues.push({ field: 'capacity', message: `expected a whole number of at least 1, got ${capacity}` });
    for (const [field, value] of [
      ['reconcileIntervalMs', reconcileIntervalMs],
      ['keepFinishedMs', keepFinishedMs],
    ] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0))
        issues.push({ field, message: `expected a positive number of milliseconds, got ${value}` });
    }
    let redis: RedisOptions = {};
    try {
      redis = parseRedisConnection(options.connection);
    } catch (error) {
      issues.push(...(error as ValidationError).issues);
    }
    if (issues.length > 0) throw new ValidationError(issues, 'BullMQ executor options');
    this.#options = options;
    this.#redis = redis;
    this.#label = redactConnection(options.connection);
    this.queueName = options.queue ?? DEFAULT_QUEUE;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#keys = queueKeys(this.#prefix, this.queueName);
    if (capacity === undefined)
      this.watchThreads = (listener) => {
        this.#threadWatchers.add(listener);
        return () => {
          this.#threadWatchers.delete(listener);
        };
      };
  }

  /** Attempts kept queued or running at once: the `capacity` option, else the workers' advertised total. */
  get threads(): number {
    return this.#options.capacity ?? this.#advertised;
  }

  /** The connection URL with its password masked. */
  get connectionLabel(): string {
    return this.#label;
  }

  execute(invocation: Invocation, hooks: InvocationHooks): Promise<InvocationOutcome> {
    const { task } = invocation;
    if (hooks.signal.aborted)
      return Promise.reject(new TaskCancelledError(task.id, String(hooks.signal.reason ?? 'aborted')));
    if (this.#closed) return Promise.reject(new TaskCancelledError(task.id, 'the executor is closed'));
    try {
      JSON.stringify(task.context);
    } catch (error) {
      const detail = `its context cannot be sent through the queue (${asError(error).message})`;
      return Promise.reject(new AgentError(task.id, invocation.agent.type, detail));
    }
    const workflowKey = invocation.workflowKey ?? fingerprintTasks([task]).workflow;
    const jobId = jobIdFor(workflowKey, task.id, task.attempt);
    return new Promise<InvocationOutcome>((resolve, reject) => {
      let pending = this.#pending.get(jobId);
      if (!pending) {
        pending = {
          jobId,
          payload: {
            version: PAYLOAD_VERSION,
            task,
            ...(invocation.timeoutMs === undefined ? {} : { timeoutMs: invocation.timeoutMs }),
            ...(invocation.compression ? { compression: invocation.compression } : {}),
          },
          priority: bullmqPriority(invocation.priorityRank),
          waiters: new Set(),
          submitted: false,
          busy: false,
          active: false,
        };
        this.#pending.set(jobId, pending);
        this.#discarded.delete(jobId);
        void this.#submit(pending);
      }
      const job = pending;
      const onAbort = () => this.#cancel(job, waiter, String(hooks.signal.reason ?? 'aborted'));
      const waiter: Waiter = {
        invocation,
        hooks,
        resolve,
        reject,
        detach: () => hooks.signal.removeEventListener('abort', onAbort),
      };
      job.waiters.add(waiter);
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      // Joined a job a worker already runs (an identical attempt of a concurrent run).
      if (job.active) hooks.onStarted?.();
      if (this.#reconciler === undefined) {
        this.#reconciler = setInterval(() => this.#reconcile(), this.#options.reconcileIntervalMs ?? 1000);
        // At once too: the capacity read when work last stopped may be stale by now.
        this.#reconcile();
      }
    });
  }

  /** The workers listed on the queue now, with their capacity. */
  async workers(): Promise<QueueWorkerInfo[]> {
    const { client } = await this.#connect();
    return listWorkers(client, this.#keys);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#reconciler);
    for (const pending of this.#pending.values())
      for (const waiter of pending.waiters) this.#cancel(pending, waiter, 'the executor is closing');
    const connections = await this.#connections?.catch(() => undefined);
    if (connections)
      await Promise.all([connections.events.close(), connections.queue.close(), connections.client.quit()]);
  }

  /** Connects on first use, so a coordinator that only validates or plans never touches Redis. */
  #connect(): Promise<Connections> {
    this.#connections ??= this.#openConnections().catch((error: unknown) => {
      // A failed first connection is tried again by the next attempt, not remembered for ever.
      this.#connections = undefined;
      throw error;
    });
    return this.#connections;
  }

  async #openConnections(): Promise<Connections> {
    await probeRedis(this.#redis, this.#label);
    const { Queue, QueueEvents } = await import('bullmq');
    const base = { connection: { ...this.#redis }, prefix: this.#prefix };
    const queue = new Queue(this.queueName, base);
    const events = new QueueEvents(this.queueName, base);
    const onError = (error: Error) => this.#options.onError?.(error);
    queue.on('error', onError);
    events.on('error', onError);
    events.on('active', ({ jobId }) => this.#activated(this.#pending.get(jobId)));
    events.on('completed', ({ jobId, returnvalue }) => this.#finished(jobId, parseResult(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) => this.#finished(jobId, stalledResult(failedReason)));
    events.on('progress', ({ jobId, data }) => this.#notice(jobId, data as QueueJobNotice));
    // Our own client for cancel notices and the worker list, kept apart from BullMQ's.
    const client = new Redis({ ...this.#redis });
    client.on('error', onError);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events, client };
  }

  async #submit(pending: PendingJob): Promise<void> {
    pending.busy = true;
    try {
      const { queue } = await this.#connect();
      const keep = { age: Math.ceil((this.#options.keepFinishedMs ?? DAY_MS) / 1000) };
      await queue.add(pending.payload.task.agentType, pending.payload, {
        jobId: pending.jobId,
        priority: pending.priority,
        attempts: 1,
        removeOnComplete: keep,
        removeOnFail: keep,
      });
      pending.submitted = true;
      // The job may have finished before this call (found again after a coordinator restart): then no
      // event is coming, so look.
      await this.#check(pending, queue);
    } catch (error) {
      this.#failFirstConnection(pending, error);
    } finally {
      pending.busy = false;
    }
  }

  async #check(pending: PendingJob, queue: Queue): Promise<void> {
    const state = await queue.getJobState(pending.jobId);
    if (state === 'unknown') {
      // Lost (Redis restarted empty) or removed: the next reconcile enqueues it again under the same id.
      pending.submitted = false;
    } else if (state === 'active') {
      // Its `active` event may have been missed while Redis was away.
      this.#activated(pending);
    } else if (state === 'completed' || state === 'failed') {
      const job: Job | undefined = await queue.getJob(pending.jobId);
      if (!job) return;
      const result = state === 'completed' ? parseResult(job.returnvalue) : stalledResult(job.failedReason);
      if (!result.ok && result.cause === 'cancelled') {
        // Cancelled for a run that gave up on it; this run still wants the task done.
        await queue.remove(pending.jobId);
        pending.submitted = false;
        return;
      }
      this.#finished(pending.jobId, result);
    }
  }

  #reconcile(): void {
    if (this.#pending.size === 0) {
      clearInterval(this.#reconciler);
      this.#reconciler = undefined;
      return;
    }
    void this.#connect().then(
      async ({ queue, client }) => {
        await this.#readCapacity(client).catch((error: unknown) => this.#options.onError?.(asError(error)));
        for (const pending of this.#pending.values()) {
          if (pending.busy) continue;
          if (!pending.submitted) {
            void this.#submit(pending);
            continue;
          }
          pending.busy = true;
          await this.#check(pending, queue)
            .catch((error: unknown) => this.#options.onError?.(asError(error)))
            .finally(() => {
              pending.busy = false;
            });
        }
      },
      () => {},
    );
  }

  /** Follows the capacity the workers listed on the queue advertise, unless the `capacity` option fixes it. */
  async #readCapacity(client: Redis): Promise<void> {
    if (this.#options.capacity !== undefined) return;
    let total = 0;
    // An entry of an incompatible worker must not turn the sum into NaN.
    for (const { concurrency } of await listWorkers(client, this.#keys))
      if (Number.isInteger(concurrency) && concurrency > 0) total += concurrency;
    const capacity = Math.max(MIN_CAPACITY, total);
    if (capacity === this.#advertised) return;
    this.#advertised = capacity;
    for (const watcher of this.#threadWatchers) watcher(capacity);
  }

  /** A worker took the job: its attempts start now. */
  #activated(pending: PendingJob | undefined): void {
    if (!pending || pending.active) return;
    pending.active = true;
    for (const { hooks } of pending.waiters) hooks.onStarted?.();
  }

  /** Before the first connection succeeds, failing to connect fails the attempt; later it is ridden out. */
  #failFirstConnection(pending: PendingJob, error: unknown): void {
    if (pending.submitted || this.#connections !== undefined) {
      this.#options.onError?.(asError(error));
      return;
    }
    this.#pending.delete(pending.jobId);
    for (const waiter of pending.waiters) {
      waiter.detach();
      waiter.reject(asError(error));
    }
  }

  #finished(jobId: string, result: QueueJobResult): void {
    if (this.#discarded.delete(jobId)) {
      void this.#connections?.then(({ queue }) => queue.remove(jobId)).catch(() => {});
      return;
    }
    const pending = this.#pending.get(jobId);
    if (!pending) return;
    // A worker answered, so it took the job, even if its `active` event was missed: the start comes first.
    this.#activated(pending);
    this.#pending.delete(jobId);
    for (const waiter of pending.waiters) {
      waiter.detach();
      settle(waiter, result);
    }
    // Collected: a later run of the same workflow must run the task again, not find this result.
    void this.#connections?.then(({ queue }) => queue.remove(jobId)).catch(() => {});
  }

  #notice(jobId: string, notice: QueueJobNotice): void {
    for (const { hooks } of this.#pending.get(jobId)?.waiters ?? []) {
      if (notice?.kind === 'progress')
        hooks.onProgress?.({ fraction: notice.fraction, message: notice.message });
      else if (notice?.kind === 'log') hooks.onLog?.({ level: notice.level, message: notice.message });
    }
  }

  #cancel(pending: PendingJob, waiter: Waiter, reason: string): void {
    waiter.detach();
    pending.waiters.delete(waiter);
    waiter.reject(new TaskCancelledError(waiter.invocation.task.id, reason));
    if (pending.waiters.size > 0) return;
    this.#pending.delete(pending.jobId);
    this.#discarded.add(pending.jobId);
    const notice: CancelNotice = { jobId: pending.jobId, reason };
    void this.#connections
      ?.then(async ({ client, queue }) => {
        await client.publish(this.#keys.cancelChannel, JSON.stringify(notice));
        // A job still waiting is simply taken off the queue; a running one is locked and stays until its
        // worker hears the notice.
        const removed = await queue.remove(pending.jobId).catch(() => 0);
        if (removed === 1) this.#discarded.delete(pending.jobId);
      })
      .catch((error: unknown) => this.#options.onError?.(asError(error)));
  }
}

/** BullMQ priorities: 1 runs first. Classes map to 1 (critical) … 4 (low). */
function bullmqPriority(priorityRank: number | undefined): number {
  return PRIORITY_RANK[TaskPriority.CRITICAL] + 1 - (priorityRank ?? PRIORITY_RANK[TaskPriority.NORMAL]);
}

function parseResult(value: unknown): QueueJobResult {
  const result = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (result !== null && typeof result === 'object' && 'ok' in result) return result as QueueJobResult;
  return { ok: false, cause: 'crash', detail: 'the worker answered with no result', worker: 'unknown' };
}

/** A job BullMQ failed: our workers answer every job, so this is a stalled job whose worker died. */
function stalledResult(failedReason: string | undefined): QueueJobResult {
  return {
    ok: false,
    cause: 'crash',
    detail: `its worker stopped renewing the job's lock (killed, or cut off from Redis): ${failedReason ?? 'job failed'}`,
    worker: 'unknown',
  };
}

function settle(waiter: Waiter, result: QueueJobResult): void {
  if (result.ok)
    waiter.resolve({
      output: result.output,
      outputFiles: result.outputFiles,
      ...(result.workerId === undefined ? {} : { workerId: result.workerId }),
      ...(result.durationMs === undefined ? {} : { durationMs: result.durationMs }),
      ...(result.context ? { context: result.context } : {}),
    });
  else waiter.reject(failureError(result, waiter.invocation));
}

/** The typed error a local run would have rejected with. */
function failureError(
  result: Extract<QueueJobResult, { ok: false }>,
  { task, agent, timeoutMs }: Invocation,
): Error {
  switch (result.cause) {
    case 'timeout':
      return new TaskTimeoutError(task.id, timeoutMs ?? 0);
    case 'cancelled':
      return new TaskCancelledError(task.id, result.detail);
    case 'load':
      return new AgentLoadError(
        agent.type,
        `${result.moduleUrl ?? agent.type} on ${result.worker}`,
        result.detail,
      );
    case 'agent':
      return new AgentError(task.id, agent.type, result.detail, result.stack);
    case 'context':
      return result.tokenLimit
        ? new TokenLimitError({ ...result.tokenLimit, taskId: task.id })
        : new ContextPreparationError(task.id, result.detail);
    case 'invalid':
      return new AgentError(task.id, agent.type, `worker ${result.worker} refused the job: ${result.detail}`);
    default:
      return new WorkerCrashError(task.id, result.detail);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
