/**
 * A workflow's dependency graph in index form: task `i` is `ids[i]`, and edges are kept both ways so the
 * scheduler can release dependents and the ranker can walk back from sinks without any lookups by id.
 */
export interface TaskGraph {
  readonly size: number;
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** `dependencies[i]`: indices task `i` waits on. */
  readonly dependencies: readonly (readonly number[])[];
  /** `dependents[i]`: indices that wait on task `i`. */
  readonly dependents: readonly (readonly number[])[];
  /** Every index, each after all of its dependencies. Shorter than `size` when the graph has a cycle. */
  readonly topologicalOrder: readonly number[];
}

/**
 * Builds the index form of a workflow. Ids must be unique; dependencies on unknown ids are ignored here
 * (validation reports them), and repeated dependencies count once.
 */
export function buildTaskGraph(
  tasks: readonly { id: string; dependencies?: readonly string[] }[],
): TaskGraph {
  const size = tasks.length;
  const ids = tasks.map((task) => task.id);
  const indexOf = new Map<string, number>();
  for (let index = 0; index < size; index++) indexOf.set(ids[index]!, index);

  const dependencies: number[][] = new Array(size);
  const dependents: number[][] = Array.from({ length: size }, () => []);
  // Which task last listed each dependency: drops repeats without a Set per task (this runs per task
  // of 100,000-task workflows, where those Sets were most of the setup time).
  const listedBy = new Int32Array(size).fill(-1);
  for (let index = 0; index < size; index++) {
    const own: number[] = [];
    for (const dependencyId of tasks[index]?.dependencies ?? []) {
      const dependency = indexOf.get(dependencyId);
      if (dependency === undefined || listedBy[dependency] === index) continue;
      listedBy[dependency] = index;
      own.push(dependency);
      dependents[dependency]!.push(index);
    }
    dependencies[index] = own;
  }

  return {
    size,
    ids,
    indexOf,
    dependencies,
    dependents,
    topologicalOrder: topologicalSort(dependencies, dependents),
  };
}

/** Kahn's algorithm, stable in input order among tasks that become free together. */
function topologicalSort(
  dependencies: readonly (readonly number[])[],
  dependents: readonly (readonly number[])[],
) {
  const waiting = dependencies.map((list) => list.length);
  const order: number[] = [];
  waiting.forEach((count, index) => {
    if (count === 0) order.push(index);
  });
  for (let head = 0; head < order.length; head++) {
    for (const dependent of dependents[order[head]!]!) {
      if (--waiting[dependent]! === 0) order.push(dependent);
    }
  }
  return order;
}

/**
 * Finds dependency cycles, each as ids in dependency order ending where it started (`a → b → a` means
 * `a` depends on `b` and `b` on `a`). Reports at least one cycle per tangle and never the same one twice;
 * empty when the graph is acyclic.
 */
export function findCycles(graph: TaskGraph): string[][] {
  if (graph.topologicalOrder.length === graph.size) return [];
  const sorted = new Uint8Array(graph.size);
  for (const index of graph.topologicalOrder) sorted[index] = 1;

  // A task left out of the order always has an unsorted dependency, so following those from it must
  // revisit a task. If the revisit is on this walk, the stretch since then is a new cycle; if an earlier
  // walk visited it, this walk only leads into a cycle already reported.
  const walkOf = new Int32Array(graph.size).fill(-1);
  const cycles: string[][] = [];
  for (let start = 0; start < graph.size; start++) {
    if (sorted[start] === 1 || walkOf[start] !== -1) continue;
    const path: number[] = [];
    let current = start;
    while (walkOf[current] === -1) {
      walkOf[current] = start;
      path.push(current);
      current = graph.dependencies[current]!.find((dependency) => sorted[dependency] === 0)!;
    }
    if (walkOf[current] !== start) continue;
    const cycle = path.slice(path.indexOf(current));
    cycle.push(current);
    cycles.push(cycle.map((index) => graph.ids[index]!));
  }
  return cycles;
}
