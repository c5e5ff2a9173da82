import type { MessagePort } from 'node:worker_threads';
import type { CompressionSettings, ContextReport, TokenLimitDetails } from '../context/index.js';
import type { AgentIsolation, AgentKind } from '../types.js';

/** What an agent's handler receives as its first argument. */
export interface AgentTask {
  id: string;
  description: string;
  agentType: string;
  context: Record<string, unknown>;
  /** 1 for the first attempt. */
  attempt: number;
}

/** A resolved agent: its type name, where its module is, and how it may be scheduled. */
export interface AgentBinding {
  type: string;
  /** `file:` URL of the module, ready for `import()`. */
  moduleUrl: string;
  kind: AgentKind;
  /** Set when the agent chose its isolation; otherwise the executor's default applies. */
  isolation?: AgentIsolation;
}

/** A progress report from inside an agent. */
export interface ProgressUpdate {
  /** Between 0 and 1. */
  fraction: number;
  message?: string;
}

/** A log line from inside an agent. */
export interface AgentLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** The calls an agent makes back to the main thread while its task runs. */
export interface HostChannel {
  progress(update: ProgressUpdate): void;
  log(entry: AgentLogEntry): void;
}

/**
 * What the main thread exposes through comlink on each worker thread's host port: the host calls of every
 * task the thread runs, each naming its task's call number.
 */
export interface ThreadHostChannel {
  progress(call: number, update: ProgressUpdate): void;
  log(call: number, entry: AgentLogEntry): void;
}

/**
 * Posted once by each worker thread as it starts, on the thread's parent port: the main thread's end of the
 * thread's host channel. One long-lived channel per thread, rather than one per task, keeps a port's
 * creation and transfer out of every task's round trip.
 */
export interface HostPortNotice {
  type: 'lingflow:host-port';
  port: MessagePort;
}

/** Whether a message from a worker thread hands over its host port. */
export function isHostPortNotice(message: unknown): message is HostPortNotice {
  return (message as { type?: unknown } | null)?.type === 'lingflow:host-port';
}

/**
 * Sent by the main thread on every thread's host port to ask one task's agent to stop (its `ctx.signal`
 * aborts); the thread running that call acts on it.
 */
export interface AbortNotice {
  type: 'lingflow:abort';
  call: number;
  reason: string;
}

/** Whether a message on a host port asks an agent to stop. */
export function isAbortNotice(message: unknown): message is AbortNotice {
  return (message as { type?: unknown } | null)?.type === 'lingflow:abort';
}

/** One task as a worker needs it: what to run, which agent runs it, and how to prepare its context. */
export interface AgentJob {
  task: AgentTask;
  agent: AgentBinding;
  /** Count and compress the context in the worker before the agent sees it; omitted: pass it as it is. */
  compression?: CompressionSettings;
}

/** The message a worker receives for one task. */
export interface WorkerRequest extends AgentJob {
  /** Numbers the task's host calls and abort notice; unique per executor. */
  call: number;
}

/** The message a worker receives for a batch of small tasks, run one after another. */
export interface WorkerBatchRequest {
  items: WorkerRequest[];
}

/** What a worker answers. Failures are answered, not thrown, so the main thread can tell their causes apart. */
export type WorkerResponse =
  | {
      ok: true;
      output: unknown;
      outputFiles: string[];
      workerId: number;
      /** Time spent in the agent's handler, measured in the worker. */
      durationMs: number;
      /** What context preparation did, when it ran. */
      context?: ContextReport;
    }
  | {
      ok: false;
      cause: 'agent' | 'load' | 'clone' | 'context';
      message: string;
      stack?: string;
      workerId: number;
      /** Set when the context could not fit its token ceiling. */
      tokenLimit?: TokenLimitDetails;
    };
