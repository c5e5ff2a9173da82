import type { CompressionSettings, ContextReport, TokenLimitDetails } from '../context/index.js';
import { validateCompressionSettings } from '../context/index.js';
import type { ValidationIssue } from '../errors.js';
import { ValidationError } from '../errors.js';
import type { AgentLogEntry, AgentTask } from '../execution/protocol.js';

/**
 * What the coordinator puts on the queue for one attempt. The agent is named, never located: a worker
 * resolves the name against its own registry, so no queue message can make a worker import code.
 */
export interface QueueJobPayload {
  /** Format version, so a worker can refuse messages from an incompatible coordinator. */
  version: 1;
  task: AgentTask;
  /** Limit on the attempt's execution time, counted on the worker from the moment it starts. */
  timeoutMs?: number;
  /** How the worker's thread counts and compresses the context before the agent runs, as locally. */
  compression?: CompressionSettings;
}

/** Why an attempt failed on a worker; the coordinator turns each cause back into its typed error. */
export type QueueFailureCause = 'agent' | 'load' | 'context' | 'timeout' | 'cancelled' | 'crash' | 'invalid';

/**
 * What a worker answers for a job. Failures are answered, not thrown, so BullMQ sees every job complete
 * (its own retries stay unused: retries are the coordinator's) and the coordinator can tell causes apart.
 */
export type QueueJobResult =
  | {
      ok: true;
      output: unknown;
      outputFiles: string[];
      workerId?: number;
      /** Time spent in the agent's handler, measured in the worker's thread. */
      durationMs?: number;
      /** What context preparation did, when it ran. */
      context?: ContextReport;
      worker: string;
    }
  | {
      ok: false;
      cause: QueueFailureCause;
      detail: string;
      stack?: string;
      /** The agent module the worker failed to load (cause `load`). */
      moduleUrl?: string;
      /** Set when the context could not fit its token ceiling (cause `context`). */
      tokenLimit?: TokenLimitDetails;
      worker: string;
    };

/** A progress report or log line an attempt sends back on BullMQ's progress channel. */
export type QueueJobNotice =
  | { kind: 'progress'; fraction: number; message?: string }
  | ({ kind: 'log' } & AgentLogEntry);

/** The current payload format version. */
export const PAYLOAD_VERSION = 1;

/**
 * Checks a job's data before any agent runs: shape, types, and that this worker has the named agent.
 *
 * @throws {ValidationError} listing every problem found.
 */
export function validateJobPayload(data: unknown, knownAgents: ReadonlySet<string>): QueueJobPayload {
  const issues: ValidationIssue[] = [];
  const report = (field: string, message: string) => issues.push({ field, message });
  if (!isPlainObject(data))
    throw new ValidationError([{ field: 'data', message: 'expected an object' }], 'job');
  if (data.version !== PAYLOAD_VERSION)
    report('version', `expected ${PAYLOAD_VERSION}, got ${describe(data.version)}`);
  const { task, timeoutMs, compression } = data;
  if (!isPlainObject(task)) report('task', 'expected an object');
  else {
    if (typeof task.id !== 'string' || task.id === '') report('task.id', 'expected a non-empty string');
    if (typeof task.description !== 'string') report('task.description', 'expected a string');
    if (typeof task.agentType !== 'string') report('task.agentType', 'expected a string');
    else if (!knownAgents.has(task.agentType))
      report('task.agentType', `this worker has no agent "${task.agentType}"`);
    if (!isPlainObject(task.context)) report('task.context', 'expected an object');
    if (!(Number.isInteger(task.attempt) && (task.attempt as number) >= 1))
      report('task.attempt', `expected a whole number of at least 1, got ${describe(task.attempt)}`);
  }
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)
  )
    report('timeoutMs', `expected a positive number of milliseconds, got ${describe(timeoutMs)}`);
  if (compression !== undefined) {
    if (!isPlainObject(compression)) report('compression', 'expected an object');
    else {
      for (const field of ['enableCompression', 'compressionRatio', 'encoding', 'backend'] as const)
        if (compression[field] === undefined) report(`compression.${field}`, 'missing');
      issues.push(...validateCompressionSettings(compression, 'compression'));
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'job');
  return data as unknown as QueueJobPayload;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value);
}
