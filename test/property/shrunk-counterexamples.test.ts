import { describe, expect, it } from 'vitest';
import type { SimulatedAttempt } from '../../src/scheduling/simulate.js';
import { runAndCheck } from './check-invariants.js';
import type { TaskSpec, WorkflowSpec } from './workflow-spec.js';

const task = (kind: number, attempts: SimulatedAttempt[], deps: number[] = []): TaskSpec => ({
  deps,
  priority: 0,
  cost: 1,
  kind,
  maxAttempts: attempts.length,
  attempts,
});

/** Counterexamples fast-check found and shrank, kept as plain tests. */
describe('shrunk counterexamples', () => {
  it('fail-fast interrupts attempts still running when the first task fails for good', () => {
    // Found by the property run: the simulator let t1 run on and time out after the halt.
    const spec: WorkflowSpec = {
      limits: { cpu: 1, io: 1 },
      failurePolicy: 'fail-fast',
      retryBaseMs: 0,
      tasks: [
        task(1, [{ durationMs: 0, outcome: 'timed_out' }]),
        task(0, [{ durationMs: 1, outcome: 'timed_out' }]),
      ],
    };
    const { violations, statuses, simulation } = runAndCheck(spec);
    expect(violations).toEqual([]);
    expect(statuses).toEqual(['timed_out', 'cancelled']);
    expect(simulation.spans.find((span) => span.index === 1)).toMatchObject({
      endMs: 0,
      outcome: 'cancelled',
    });
  });

  it('a task skipped behind two failed paths names one of its failed dependencies', () => {
    const spec: WorkflowSpec = {
      limits: { cpu: 1, io: 1 },
      failurePolicy: 'continue',
      retryBaseMs: 0,
      tasks: [
        task(1, [{ durationMs: 0, outcome: 'failed' }]),
        task(1, [{ durationMs: 0, outcome: 'timed_out' }], [0]),
        task(0, [{ durationMs: 0, outcome: 'failed' }], [1, 0]),
      ],
    };
    const { violations, statuses } = runAndCheck(spec);
    expect(violations).toEqual([]);
    expect(statuses).toEqual(['failed', 'skipped', 'skipped']);
  });
});
