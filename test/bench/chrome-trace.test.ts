import { describe, expect, it } from 'vitest';
import type { ChromeTraceEvent, TraceSpan } from '../../src/monitoring/chrome-trace.js';
import { toChromeTrace, traceSpansFromHistory } from '../../src/monitoring/chrome-trace.js';
import type { TaskRecord } from '../../src/types.js';

const spans: TraceSpan[] = [
  { taskId: 'a', agentType: 'impl', workerId: 7, startMs: 0, endMs: 50, status: 'completed' },
  { taskId: 'b', agentType: 'impl', workerId: 9, startMs: 0, endMs: 30, status: 'completed' },
  {
    taskId: 'c',
    agentType: 'test',
    workerId: 9,
    startMs: 51.5,
    endMs: 80,
    status: 'failed',
    dependencies: ['a', 'b'],
  },
];

const byPhase = (events: ChromeTraceEvent[], ph: ChromeTraceEvent['ph']) =>
  events.filter((event) => event.ph === ph);

describe('toChromeTrace', () => {
  it('puts each worker on its own named track and each attempt in one slice, in microseconds', () => {
    const trace = toChromeTrace(spans, { processName: 'demo', metadata: { node: 'v20' } });
    expect(trace.displayTimeUnit).toBe('ms');
    expect(trace.otherData).toEqual({ node: 'v20' });
    const names = byPhase(trace.traceEvents, 'M');
    expect(names).toContainEqual({ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'demo' } });
    const tracks = new Map(names.filter((e) => e.name === 'thread_name').map((e) => [e.args!.name, e.tid]));
    expect([...tracks.keys()].sort()).toEqual(['worker 7', 'worker 9']);

    const slices = byPhase(trace.traceEvents, 'X');
    expect(slices).toHaveLength(3);
    const c = slices.find((slice) => slice.name === 'c')!;
    expect(c).toMatchObject({ ts: 51_500, dur: 28_500, cat: 'test', tid: tracks.get('worker 9') });
    expect(c.args).toEqual({ status: 'failed' });
  });

  it('draws a flow from the end of each dependency to the start of the task that waited', () => {
    const { traceEvents } = toChromeTrace(spans);
    const starts = byPhase(traceEvents, 's');
    const ends = byPhase(traceEvents, 'f');
    expect(starts).toHaveLength(2);
    expect(ends).toHaveLength(2);
    const slices = byPhase(traceEvents, 'X');
    for (const start of starts) {
      const end = ends.find((event) => event.id === start.id)!;
      expect(end).toMatchObject({ bp: 'e', ts: 51_500 });
      // The start lies inside its source slice, where viewers bind it.
      const source = slices.find(
        (slice) => slice.tid === start.tid && slice.ts! <= start.ts! && start.ts! <= slice.ts! + slice.dur!,
      );
      expect(['a', 'b']).toContain(source?.name);
    }
    expect(new Set(starts.map((event) => event.id)).size).toBe(2);
  });

  it('links a retried dependency from its last attempt before the dependent started', () => {
    const { traceEvents } = toChromeTrace([
      { taskId: 'x', lane: 0, startMs: 0, endMs: 10, status: 'failed', attempt: 1 },
      { taskId: 'x', lane: 0, startMs: 20, endMs: 30, status: 'completed', attempt: 2 },
      { taskId: 'y', lane: 1, startMs: 31, endMs: 40, status: 'completed', dependencies: ['x'] },
    ]);
    const [start] = byPhase(traceEvents, 's');
    expect(start!.ts).toBeGreaterThan(20_000);
    expect(start!.ts).toBeLessThanOrEqual(30_000);
    expect(byPhase(traceEvents, 'M').map((event) => event.args!.name)).toContain('lane 1');
  });

  it('produces JSON that survives a round trip', () => {
    const trace = toChromeTrace(spans);
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});

describe('traceSpansFromHistory', () => {
  const record = (taskId: string, startedAt: number, extra: Partial<TaskRecord> = {}): TaskRecord => ({
    taskId,
    status: 'completed',
    success: true,
    durationMs: 12.5,
    attempt: 1,
    startedAt,
    finishedAt: startedAt + 13,
    workerId: 4,
    ...extra,
  });
  const history: Record<string, TaskRecord[]> = {
    impl: [
      record('a', 900),
      record('a', 1000),
      // The same task in a later run: it ends after this run's result for it.
      record('a', 1100),
      record('other-run', 1001),
      record('b', 1020, { attempt: 2, status: 'failed', success: false }),
    ],
    test: [record('c', 1040, { workerId: undefined })],
  };

  it('keeps only this run’s attempts of these tasks, timed from the run’s start, with their dependencies', () => {
    const spans = traceSpansFromHistory(
      { getAgentHistory: (type) => history[type] ?? [] },
      [{ id: 'a' }, { id: 'b', dependencies: ['a'] }, { id: 'c', dependencies: ['b'] }],
      [
        { agentType: 'impl', finishedAt: 1013 },
        { agentType: 'impl', finishedAt: 1034 },
        { agentType: 'test', finishedAt: 1053 },
      ],
      1000,
    );
    expect(spans).toEqual([
      {
        taskId: 'a',
        agentType: 'impl',
        workerId: 4,
        startMs: 0,
        endMs: 12.5,
        status: 'completed',
        attempt: 1,
        dependencies: [],
      },
      {
        taskId: 'b',
        agentType: 'impl',
        workerId: 4,
        startMs: 20,
        endMs: 32.5,
        status: 'failed',
        attempt: 2,
        dependencies: ['a'],
      },
      {
        taskId: 'c',
        agentType: 'test',
        startMs: 40,
        endMs: 52.5,
        status: 'completed',
        attempt: 1,
        dependencies: ['b'],
      },
    ]);
  });
});
