import fc from 'fast-check';
import { AgentCoordinator, ValidationError } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgents } from '../helpers.js';
import { assertPrototypesUntouched, snapshotPrototypes } from './prototype-guard.js';

const guard = snapshotPrototypes();
afterEach(() => assertPrototypesUntouched(guard));

/** Values that break careless message building: no prototype, a `toString` that is not a function. */
const nastyArb = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withObjectString: true }),
  fc.constant(Object.create(null)),
  fc.constant({ toString: 'not a function' }),
  fc.constant(Symbol('option')),
);

const optionsArb = fc.record(
  {
    maxParallelAgents: nastyArb,
    maxParallelIo: nastyArb,
    agents: fc.oneof(nastyArb, fc.dictionary(fc.string(), nastyArb)),
    defaultAgent: nastyArb,
    failurePolicy: nastyArb,
    defaultTimeoutMs: nastyArb,
    defaultRetries: nastyArb,
    retryDelayMs: nastyArb,
    resourceLimits: nastyArb,
    isolation: nastyArb,
    baseDir: nastyArb,
    executor: nastyArb,
  },
  { requiredKeys: [] },
);

describe('hostile coordinator options', () => {
  it('construct a coordinator or throw a ValidationError, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(nastyArb, optionsArb), (options) => {
        let coordinator: AgentCoordinator | undefined;
        try {
          coordinator = new AgentCoordinator(options as never);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).message).toMatch(/problem/);
        }
        // Nothing has started a worker yet, so closing is immediate.
        void coordinator?.close();
      }),
      { numRuns: 500 },
    );
  });

  it('lists every bad option at once', () => {
    const options = {
      maxParallelAgents: 0,
      failurePolicy: Object.create(null),
      defaultAgent: { toString: 'x' },
      baseDir: 5,
      resourceLimits: 'big',
      agents: { cpu: fixtureAgents.cpu!, broken: { module: '' } },
    };
    expect(() => new AgentCoordinator(options as never)).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ field: 'maxParallelAgents' }),
          expect.objectContaining({ field: 'failurePolicy', message: expect.stringContaining('an object') }),
          expect.objectContaining({ field: 'agents.broken.module' }),
          expect.objectContaining({ field: 'defaultAgent' }),
          expect.objectContaining({ field: 'baseDir' }),
          expect.objectContaining({ field: 'resourceLimits' }),
        ],
      }),
    );
  });
});
