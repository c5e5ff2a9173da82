import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Invocation } from '../../src/execution/executor.js';
import { PiscinaExecutor } from '../../src/execution/piscina-executor.js';
import { fixtureAgent } from '../helpers.js';

/** Rounds of the fixture's xorshift loop: about 0.5–0.6 million per millisecond on the machines we run on. */
const ROUNDS_PER_MS = 500_000;

let executor: PiscinaExecutor | undefined;
afterEach(async () => {
  await executor?.close();
  executor = undefined;
});

/** A CPU attempt of about `ms`, handed over ahead of a free thread. */
const burning = (id: string, ms: number): Invocation => ({
  task: { id, description: id, agentType: 'cpu', context: { iterations: ms * ROUNDS_PER_MS }, attempt: 1 },
  agent: { type: 'timed', moduleUrl: pathToFileURL(fixtureAgent('timed')).href, kind: 'cpu' },
  queued: true,
});

interface Ran {
  start: number;
  end: number;
}

/** Runs the attempts at once; returns when each ran, as the agent measured it in its thread, by start. */
async function run(subject: PiscinaExecutor, attempts: Invocation[], onStarted?: () => void): Promise<Ran[]> {
  const outcomes = await Promise.all(
    attempts.map((invocation) =>
      subject.execute(invocation, {
        signal: new AbortController().signal,
        ...(onStarted ? { onStarted } : {}),
      }),
    ),
  );
  return outcomes.map(({ output }) => output as Ran).sort((a, b) => a.start - b.start);
}

/** The most attempts that ran at the same moment. */
function mostAtOnce(ran: Ran[]): number {
  return Math.max(
    ...ran.map(({ start }) => ran.filter((other) => other.start <= start && other.end > start).length),
  );
}

describe('PiscinaExecutor CPU limit', () => {
  it('holds attempts back from idle threads while the limit runs, and lets them start when it rises', async () => {
    executor = new PiscinaExecutor({ threads: 2 });
    const subject = executor;
    subject.limitCpu(1);
    expect(
      mostAtOnce(
        await run(
          subject,
          ['a', 'b', 'c'].map((id) => burning(id, 100)),
        ),
      ),
    ).toBe(1);

    subject.limitCpu(2);
    expect(
      mostAtOnce(
        await run(
          subject,
          ['d', 'e', 'f', 'g'].map((id) => burning(id, 100)),
        ),
      ),
    ).toBe(2);

    // Lowered as the second starts: the third starts only once both have finished.
    let starts = 0;
    const lowered = await run(
      subject,
      ['h', 'i', 'j', 'k'].map((id) => burning(id, 100)),
      () => {
        if (++starts === 2) subject.limitCpu(1);
      },
    );
    const [first, second, ...rest] = lowered;
    expect(first!.end).toBeGreaterThan(second!.start);
    expect(mostAtOnce(rest)).toBe(1);
    expect(rest[0]!.start).toBeGreaterThanOrEqual(Math.max(first!.end, second!.end));
  });
});
