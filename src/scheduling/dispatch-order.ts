import { bottomLevels, inheritedPriorityClasses } from '../graph/ranks.js';
import type { TaskGraph } from '../graph/task-graph.js';
import { TaskPriority } from '../types.js';

/** Numeric rank of each priority class: larger runs first. */
export const PRIORITY_RANK: Readonly<Record<TaskPriority, number>> = {
  [TaskPriority.CRITICAL]: 3,
  [TaskPriority.HIGH]: 2,
  [TaskPriority.NORMAL]: 1,
  [TaskPriority.LOW]: 0,
};

/**
 * The keys ready tasks are ordered by: priority class first (larger first), then `urgency` (larger first),
 * then input order. The scheduler only compares these numbers, so the planner can hand the real run any
 * ordering it found best in simulation.
 */
export interface DispatchOrder {
  readonly priorityClass: Uint8Array;
  readonly urgency: Float64Array;
}

/**
 * The default order: inherited priority class, then the longest remaining critical path measured with
 * the estimated cost of each task.
 */
export function criticalPathOrder(
  graph: TaskGraph,
  priorities: readonly TaskPriority[],
  cost: ArrayLike<number>,
): DispatchOrder {
  const own = priorities.map((priority) => PRIORITY_RANK[priority]);
  return { priorityClass: inheritedPriorityClasses(graph, own), urgency: bottomLevels(graph, cost) };
}
