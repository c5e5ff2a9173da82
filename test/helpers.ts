import { fileURLToPath } from 'node:url';
import type { AgentSpec } from 'lingflow';

/** Absolute path of a fixture agent module. */
export function fixtureAgent(name: string): string {
  return fileURLToPath(new URL(`./fixtures/agents/${name}.js`, import.meta.url));
}

/** The fixture agents most tests use. */
export const fixtureAgents: Record<string, AgentSpec> = {
  cpu: { module: fixtureAgent('cpu'), description: 'burns CPU', capabilities: ['compute'] },
  spin: { module: fixtureAgent('spin'), description: 'never returns' },
  exit: { module: fixtureAgent('exit'), description: 'kills its worker' },
};

/** The error a promise rejects with, checked to be of `type`; fails the test if it resolves or rejects otherwise. */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a rejection with ${type.name}, but the promise resolved`);
}
