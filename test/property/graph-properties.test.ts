import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bottomLevels, inheritedPriorityClasses } from '../../src/graph/ranks.js';
import { buildTaskGraph, findCycles } from '../../src/graph/task-graph.js';
import { validateTasks } from '../../src/graph/validate-tasks.js';

/** Any directed graph on up to 12 tasks, cycles and self-loops included. */
const anyGraphArb = fc
  .array(fc.uniqueArray(fc.nat(11), { maxLength: 4 }), { minLength: 1, maxLength: 12 })
  .map((edges) =>
    edges.map((deps, index) => ({
      id: `n${index}`,
      dependencies: deps.filter((dep) => dep < edges.length).map((dep) => `n${dep}`),
    })),
  );

/** Whether the graph has a cycle, by brute force: repeatedly remove tasks with no remaining dependency. */
function hasCycle(tasks: { id: string; dependencies: string[] }[]): boolean {
  const left = new Map(tasks.map((task) => [task.id, new Set(task.dependencies)]));
  for (let removed = true; removed; ) {
    removed = false;
    for (const [id, deps] of left) {
      if ([...deps].some((dep) => left.has(dep))) continue;
      left.delete(id);
      removed = true;
    }
  }
  return left.size > 0;
}

describe('graph properties', () => {
  it('findCycles reports a real cycle exactly when the graph has one', () => {
    fc.assert(
      fc.property(anyGraphArb, (tasks) => {
        const graph = buildTaskGraph(tasks);
        const cycles = findCycles(graph);
        expect(cycles.length > 0).toBe(hasCycle(tasks));
        for (const cycle of cycles) {
          expect(cycle[0]).toBe(cycle.at(-1));
          for (let step = 0; step + 1 < cycle.length; step++) {
            const task = tasks[graph.indexOf.get(cycle[step]!)!]!;
            expect(task.dependencies).toContain(cycle[step + 1]);
          }
        }
        expect(new Set(cycles.map((cycle) => [...cycle.slice(1)].sort().join())).size).toBe(cycles.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('validation names every cycle (and self-dependency) of an otherwise valid workflow', () => {
    fc.assert(
      fc.property(anyGraphArb, (tasks) => {
        const issues = validateTasks(
          tasks.map((task) => ({ ...task, agentType: 'cpu' })),
          { knownAgents: new Set(['cpu']), canSelectAgent: () => false },
        );
        const selfLoops = tasks.filter((task) => task.dependencies.includes(task.id));
        if (selfLoops.length > 0) {
          expect(issues.map((issue) => issue.taskId)).toEqual(
            expect.arrayContaining(selfLoops.map((t) => t.id)),
          );
        } else {
          expect(issues.length > 0).toBe(hasCycle(tasks));
          for (const issue of issues) expect(issue.message).toMatch(/^dependency cycle: "/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('ranks: inherited priority and bottom level satisfy their defining equations', () => {
    const dagArb = fc.array(
      fc.record({
        deps: fc.uniqueArray(fc.nat(30), { maxLength: 3 }),
        own: fc.integer({ min: 0, max: 3 }),
        cost: fc.integer({ min: 0, max: 100 }),
      }),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(dagArb, (specs) => {
        const graph = buildTaskGraph(
          specs.map((spec, index) => ({
            id: `n${index}`,
            dependencies: spec.deps.filter((dep) => dep < index).map((dep) => `n${dep}`),
          })),
        );
        const own = specs.map((spec) => spec.own);
        const cost = specs.map((spec) => spec.cost);
        const classes = inheritedPriorityClasses(graph, own);
        const levels = bottomLevels(graph, cost);
        for (let index = 0; index < graph.size; index++) {
          const after = graph.dependents[index]!;
          expect(classes[index]).toBe(
            Math.max(own[index]!, ...after.map((dependent) => classes[dependent]!)),
          );
          expect(levels[index]).toBe(
            cost[index]! + Math.max(0, ...after.map((dependent) => levels[dependent]!)),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
});
