import { bottomLevels } from '../graph/ranks.js';
import type { TaskGraph } from '../graph/task-graph.js';
import type { DispatchOrder } from './dispatch-order.js';
import { IO_TASK } from './scheduler-core.js';
import { seededRandom } from './seeded-random.js';
import type { SimulationResult } from './simulate.js';
import type { CostedGraph } from './simulate-order.js';
import { simulateOrder } from './simulate-order.js';

/** Options of {@link searchDispatchOrder}. */
export interface OrderSearchOptions {
  /** Simulations to spend at most. Default {@link defaultSearchEvaluations} of the workflow's size. */
  evaluations?: number;
  /** Seed of the random perturbations, so a plan is reproducible. Default 1. */
  seed?: number;
}

/** The best order found, and what it achieves. */
export interface SearchedOrder {
  order: DispatchOrder;
  makespanMs: number;
  /** Task indices in the order the best schedule starts them. */
  startOrder: number[];
  /** A lower bound of any schedule's makespan: the longer of the critical path and CPU work / workers. */
  lowerBoundMs: number;
  evaluations: number;
}

/** Most simulations {@link searchDispatchOrder} spends by default: tens of milliseconds for 100 tasks. */
const MAX_DEFAULT_EVALUATIONS = 400;
/** Task starts a default search simulates in all, so large workflows are planned in about a second. */
const DEFAULT_SIMULATED_STARTS = 40_000;
/** The classic rules and their forward-backward passes need this many simulations. */
const MIN_DEFAULT_EVALUATIONS = 8;

/**
 * The default search budget for a workflow of `size` tasks: 400 simulations up to 100 tasks, then fewer so
 * that a search simulates about 40,000 task starts, but never fewer than the classic rules need.
 */
export function defaultSearchEvaluations(size: number): number {
  const fitting = Math.floor(DEFAULT_SIMULATED_STARTS / Math.max(1, size));
  return Math.max(MIN_DEFAULT_EVALUATIONS, Math.min(MAX_DEFAULT_EVALUATIONS, fitting));
}
/** Forward-backward passes per starting order; improvement rarely continues beyond a few. */
const MAX_IMPROVEMENT_PASSES = 6;
/** Share of the budget for perturbed restarts; the rest goes to the local search. */
const PERTURBATION_SHARE = 0.5;
/** Relative spread of the random perturbations of bottom levels. */
const PERTURBATION_SPREADS = [0.02, 0.1, 0.3];

/**
 * Looks for the {@link DispatchOrder} urgency keys that give the shortest simulated makespan on `workers`
 * workers, keeping the given priority classes (the real run honours them, so the plan must too).
 *
 * It tries the classic list-scheduling rules (bottom level, i.e. critical path; bottom level then successor
 * count; longest task first), then bottom levels with random perturbations, and improves each with
 * forward-backward passes: schedule the reversed graph with tasks that finished last going first, then the
 * graph again with the reversed schedule's finishing times as urgency. Each pass packs the schedule against
 * one end, which closes idle gaps list scheduling leaves. Last, a local search swaps the urgencies of random
 * pairs of tasks in the best order. It stops at the lower bound or when the budget is spent.
 */
export function searchDispatchOrder(
  problem: CostedGraph,
  priorityClass: Uint8Array,
  workers: number,
  options: OrderSearchOptions = {},
): SearchedOrder {
  const { graph, costs } = problem;
  const budget = Math.max(1, options.evaluations ?? defaultSearchEvaluations(graph.size));
  const random = seededRandom(options.seed ?? 1);
  const levels = bottomLevels(graph, costs);
  const lowerBoundMs = lowerBound(problem, levels, workers);
  const reversed: CostedGraph = { ...problem, graph: reverseGraph(graph) };
  const noClasses = new Uint8Array(graph.size);
  // Ties must only break ties: scale them below the smallest difference between costs that matters.
  const tie = tieScale(costs);

  let evaluations = 0;
  let best: { urgency: Float64Array; result: SimulationResult } | undefined;
  const evaluate = (urgency: Float64Array) => {
    evaluations++;
    const result = simulateOrder(problem, { priorityClass, urgency }, workers);
    if (best === undefined || result.makespanMs < best.result.makespanMs) best = { urgency, result };
    return result;
  };
  const done = () =>
    evaluations >= budget || (best !== undefined && best.result.makespanMs <= lowerBoundMs * (1 + 1e-9));
  const improve = (start: Float64Array) => {
    let result = evaluate(start);
    for (let pass = 0; pass < MAX_IMPROVEMENT_PASSES && evaluations + 2 <= budget && !done(); pass++) {
      evaluations++;
      const backward = simulateOrder(
        reversed,
        { priorityClass: noClasses, urgency: endTimes(result) },
        workers,
      );
      const next = evaluate(endTimes(backward));
      if (next.makespanMs >= result.makespanMs) return;
      result = next;
    }
  };

  const longest = levels.reduce((most, level) => Math.max(most, level), 1);
  const starts: (() => Float64Array)[] = [
    () => levels,
    () => levels.map((level, index) => level + tie * graph.dependents[index]!.length),
    () => levels.map((level, index) => costs[index]! + (tie * level) / longest),
  ];
  for (const start of starts) {
    if (done()) break;
    improve(start());
  }
  for (let round = 0; !done() && evaluations < budget * PERTURBATION_SHARE; round++) {
    const spread = PERTURBATION_SPREADS[round % PERTURBATION_SPREADS.length]!;
    improve(levels.map((level) => level * (1 + spread * (random() - 0.5)) + tie * random()));
  }
  // Local search over the keys: swap the urgencies of two tasks close in the order (far swaps mostly break
  // the schedule), keep the swap unless the makespan grows (moving across equal makespans crosses
  // plateaus), until the budget is spent.
  const keys = distinctRanks(best!.urgency);
  const byRank = Array.from(keys.keys()).sort((a, b) => keys[b]! - keys[a]!);
  const reach = Math.max(1, Math.min(graph.size - 1, 2 * workers));
  let current = best!.result.makespanMs;
  while (!done() && graph.size > 1) {
    const first = Math.floor(random() * (graph.size - 1));
    const second = Math.min(graph.size - 1, first + 1 + Math.floor(random() * reach));
    const a = byRank[first]!;
    const b = byRank[second]!;
    [keys[a], keys[b]] = [keys[b]!, keys[a]!];
    [byRank[first], byRank[second]] = [b, a];
    const makespan = evaluate(Float64Array.from(keys)).makespanMs;
    if (makespan <= current) current = makespan;
    else {
      [keys[a], keys[b]] = [keys[b]!, keys[a]!];
      [byRank[first], byRank[second]] = [a, b];
    }
  }

  const winner = best!;
  return {
    order: { priorityClass, urgency: winner.urgency },
    makespanMs: winner.result.makespanMs,
    // The simulator records spans as it dispatches them, so their order is the start order.
    startOrder: winner.result.spans.map((span) => span.index),
    lowerBoundMs,
    evaluations,
  };
}

/**
 * The same order as `urgency` (ties broken by index, as the scheduler does) as distinct ranks, so that
 * swapping two keys always changes the order.
 */
function distinctRanks(urgency: Float64Array): Float64Array {
  const byUrgency = Array.from(urgency.keys()).sort((a, b) => urgency[b]! - urgency[a]! || a - b);
  const ranks = new Float64Array(urgency.length);
  byUrgency.forEach((index, position) => {
    ranks[index] = urgency.length - position;
  });
  return ranks;
}

function lowerBound({ costs, kinds }: CostedGraph, levels: Float64Array, workers: number): number {
  let cpuWork = 0;
  for (let index = 0; index < levels.length; index++) {
    if (kinds?.[index] !== IO_TASK) cpuWork += costs[index]!;
  }
  return Math.max(
    levels.reduce((most, level) => Math.max(most, level), 0),
    cpuWork / workers,
  );
}

function tieScale(costs: ArrayLike<number>): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (let index = 0; index < costs.length; index++) {
    if (costs[index]! > 0) smallest = Math.min(smallest, costs[index]!);
  }
  return Number.isFinite(smallest) ? (smallest * 1e-6) / (costs.length + 1) : 1e-9;
}

/** Each task's finishing time in a simulation: a task that finished later runs earlier in the reverse. */
function endTimes({ spans }: SimulationResult): Float64Array {
  const end = new Float64Array(spans.length);
  // One attempt per task in a plan, so there is one span per task.
  for (const span of spans) end[span.index] = span.endMs;
  return end;
}

/** The same tasks with every dependency turned around, so the sinks start first. */
function reverseGraph(graph: TaskGraph): TaskGraph {
  return {
    size: graph.size,
    ids: graph.ids,
    indexOf: graph.indexOf,
    dependencies: graph.dependents,
    dependents: graph.dependencies,
    topologicalOrder: [...graph.topologicalOrder].reverse(),
  };
}
