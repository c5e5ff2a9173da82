import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAndCheck } from './check-invariants.js';
import { largeWorkflow, largeWorkflowParamsArb, smallWorkflowArb } from './workflow-spec.js';

describe('scheduler core invariants in virtual time', () => {
  it('hold on small random workflows (shrinkable)', () => {
    fc.assert(
      fc.property(smallWorkflowArb(), (spec) => {
        expect(runAndCheck(spec).violations).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('hold on random workflows of hundreds of tasks', () => {
    fc.assert(
      fc.property(largeWorkflowParamsArb(100, 500), (params) => {
        expect(runAndCheck(largeWorkflow(params)).violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('hold on random workflows of thousands of tasks', () => {
    fc.assert(
      fc.property(largeWorkflowParamsArb(1000, 3000), (params) => {
        expect(runAndCheck(largeWorkflow(params)).violations).toEqual([]);
      }),
      { numRuns: 8 },
    );
  });
});
