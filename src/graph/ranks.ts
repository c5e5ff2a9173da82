import type { TaskGraph } from './task-graph.js';

/**
 * Length of the longest path from each task to the end of the workflow, counting the task's own cost
 * (the "bottom level"). Tasks on the critical path have the largest values, so running them first
 * shortens the makespan.
 */
export function bottomLevels(graph: TaskGraph, cost: ArrayLike<number>): Float64Array {
  const level = new Float64Array(graph.size);
  const order = graph.topologicalOrder;
  for (let position = order.length - 1; position >= 0; position--) {
    const index = order[position]!;
    let longestAfter = 0;
    for (const dependent of graph.dependents[index]!)
      longestAfter = Math.max(longestAfter, level[dependent]!);
    level[index] = cost[index]! + longestAfter;
  }
  return level;
}

/**
 * The priority class each task is scheduled with: its own, raised to the highest class of any task that
 * waits on it, directly or not, so that urgent work is never stuck behind an unimportant prerequisite.
 */
export function inheritedPriorityClasses(graph: TaskGraph, own: ArrayLike<number>): Uint8Array {
  const effective = Uint8Array.from(own);
  const order = graph.topologicalOrder;
  for (let position = order.length - 1; position >= 0; position--) {
    const index = order[position]!;
    for (const dependent of graph.dependents[index]!) {
      if (effective[dependent]! > effective[index]!) effective[index] = effective[dependent]!;
    }
  }
  return effective;
}

/** The length of the workflow's critical path: the lower bound of its makespan on unlimited workers. */
export function criticalPathLength(graph: TaskGraph, cost: ArrayLike<number>): number {
  let longest = 0;
  for (const level of bottomLevels(graph, cost)) longest = Math.max(longest, level);
  return longest;
}
