import type { AgentJob, AgentLogEntry, ProgressUpdate } from './protocol.js';

/** The message a worker process receives for one task. Processes share no ports, so a key ties messages to it. */
export interface ProcessRequest extends AgentJob {
  /** Unique per attempt within one executor. */
  key: string;
}

/** A host-channel call from a worker process, sent over IPC. */
export type ProcessHostMessage =
  | { type: 'lingflow:progress'; key: string; update: ProgressUpdate }
  | { type: 'lingflow:log'; key: string; entry: AgentLogEntry };

/** Sent to a worker process to ask one of its agents to stop (its `ctx.signal` aborts). */
export interface ProcessAbortNotice {
  type: 'lingflow:abort';
  key: string;
  reason: string;
}

/** Whether an IPC message is a host-channel call from a worker process. */
export function isProcessHostMessage(message: unknown): message is ProcessHostMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'lingflow:progress' || type === 'lingflow:log';
}

/** Whether an IPC message asks an agent to stop. */
export function isProcessAbortNotice(message: unknown): message is ProcessAbortNotice {
  return (message as { type?: unknown } | null)?.type === 'lingflow:abort';
}
