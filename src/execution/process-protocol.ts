import type { AgentJob, AgentLogEntry, ProgressUpdate } from './protocol.js';

/** The message a worker process receives for one task. Processes share no ports, so a key ties messages to it. */
export interface ProcessRequest extends AgentJob {
  /** Unique per attempt within one executor. */
  key: string;
}

/**
 * What a worker process tells its parent over IPC about one attempt: that it started (from then on a stop
 * notice reaches it), and its progress and log lines.
 */
export type ProcessHostMessage =
  | { type: 'lingflow:started'; key: string }
  | { type: 'lingflow:progress'; key: string; update: ProgressUpdate }
  | { type: 'lingflow:log'; key: string; entry: AgentLogEntry };

/** Sent to a worker process to ask one of its agents to stop (its `ctx.signal` aborts). */
export interface ProcessAbortNotice {
  type: 'lingflow:abort';
  key: string;
  reason: string;
}

/** Whether an IPC message is about an attempt, from a worker process. */
export function isProcessHostMessage(message: unknown): message is ProcessHostMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'lingflow:started' || type === 'lingflow:progress' || type === 'lingflow:log';
}

/** Whether an IPC message asks an agent to stop. */
export function isProcessAbortNotice(message: unknown): message is ProcessAbortNotice {
  return (message as { type?: unknown } | null)?.type === 'lingflow:abort';
}
