import type { AgentTask } from '../execution/protocol.js';

/** The second argument of an agent's handler: how it talks back to the coordinator. */
export interface AgentContext {
  /** Aborts when the task is cancelled or times out; long-running agents should stop when it does. */
  signal: AbortSignal;
  /** Thread id of the worker running the task. */
  workerId: number;
  /** Reports progress (0 to 1); the coordinator re-emits it as a `taskProgress` event. */
  reportProgress(fraction: number, message?: string): void;
  /** Logs a line; the coordinator re-emits it as a `taskLog` event. */
  log(...args: unknown[]): void;
  /** Declares a file the task produced; it appears in `result.outputFiles`. */
  addOutputFile(path: string): void;
}

/**
 * The default export of an agent module.
 *
 * @example
 * ```ts
 * import type { AgentHandler } from 'lingflow';
 * const review: AgentHandler<{ issues: number }> = async (task, ctx) => {
 *   ctx.reportProgress(0.5, 'halfway');
 *   return { issues: 0 };
 * };
 * export default review;
 * ```
 */
export type AgentHandler<Output = unknown> = (task: AgentTask, ctx: AgentContext) => Output | Promise<Output>;
