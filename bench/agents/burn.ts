import { burn } from '../workloads/burn.js';

/** What a bench CPU task carries: the same object goes to lingflow (as `task.context`) and to raw pools. */
export type BurnPayload = {
  iterations: number;
  seed: number;
};

/**
 * The bench's CPU agent. lingflow calls it as an agent handler `(task, ctx)`; raw Piscina and Tinypool use
 * this same file as their worker and call it with the same `{ id, context }` object, so every contender
 * runs the same function on the same payloads.
 */
export default function burnAgent(task: { context: BurnPayload }): number {
  return burn(task.context.iterations, task.context.seed);
}
