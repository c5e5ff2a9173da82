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

/** The calls a worker makes back to the main thread while a task runs, through comlink. */
export interface HostChannel {
  progress(update: ProgressUpdate): void;
  log(entry: AgentLogEntry): void;
}

/** The host calls of a batch of tasks sharing one port: each names its task. */
export interface BatchHostChannel {
  progress(taskId: string, update: ProgressUpdate): void;
  log(taskId: string, entry: AgentLogEntry): void;
}

/** Sent by the main thread on a task's port to ask the agent to stop (its `ctx.signal` aborts). */
export interface AbortNotice {
  type: 'lingflow:abort';
  reason: string;
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
  /** The worker's end of the task's host channel. */
  port: MessagePort;
}

/** The message a worker receives for a batch of small tasks, run one after another on one port. */
export interface WorkerBatchRequest {
  items: AgentJob[];
  port: MessagePort;
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
