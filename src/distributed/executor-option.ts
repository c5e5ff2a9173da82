import type { TaskExecutor } from '../execution/executor.js';
import type { BullmqExecutorOptions } from './bullmq-executor.js';
import { BullmqExecutor } from './bullmq-executor.js';

/** What `new AgentCoordinator({ executor })` accepts: a ready executor, or the options of a queue executor. */
export type ExecutorOption = TaskExecutor | BullmqExecutorOptions;

/**
 * The executor an option stands for. Building a {@link BullmqExecutor} does not touch Redis; it connects
 * when the first attempt runs.
 *
 * @throws {ValidationError} when queue executor options are invalid.
 */
export function executorFromOption(option: ExecutorOption | undefined): TaskExecutor | undefined {
  if (option === undefined || !('type' in option)) return option;
  return new BullmqExecutor(option);
}
