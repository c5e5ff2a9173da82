import type { Task, TaskRecord, TaskResult, TaskStatus } from '../types.js';

/** One attempt of one task as it ran: the input of {@link toChromeTrace} and of the bench's Gantt chart. */
export interface TraceSpan {
  taskId: string;
  agentType?: string;
  /** Thread (or process) that ran the attempt; each distinct id becomes a track. */
  workerId?: number | string;
  /** Lane number, for spans without a `workerId` (e.g. from a virtual-time simulation). */
  lane?: number;
  /** Milliseconds from the start of the run. */
  startMs: number;
  endMs: number;
  status: TaskStatus;
  /** 1 for the first attempt. */
  attempt?: number;
  /** Ids of the tasks this one waited for; drawn as flow arrows. */
  dependencies?: readonly string[];
}

/** Where {@link traceSpansFromHistory} reads attempts: an `AgentCoordinator`, or anything with its history. */
export interface AttemptHistory {
  getAgentHistory(agentType: string): readonly TaskRecord[];
}

/**
 * The attempts of one finished run as trace spans, read back from the coordinator's per-agent history
 * (which knows the worker of each attempt). `runStartedAt` is `Date.now()` just before the run began;
 * times become milliseconds since it. An attempt belongs to the run when it started after that and ended
 * no later than its task's result, so runs before and after it (even of the same task ids) are left out.
 *
 * @param results - The run's results, in the order of `tasks`: they say which agent ran each task and
 * when it finished.
 */
export function traceSpansFromHistory(
  history: AttemptHistory,
  tasks: readonly Pick<Task, 'id' | 'dependencies'>[],
  results: readonly Pick<TaskResult, 'agentType' | 'finishedAt'>[],
  runStartedAt: number,
): TraceSpan[] {
  const taskOf = new Map(
    tasks.map((task, index) => [
      task.id,
      {
        dependencies: task.dependencies ?? [],
        finishedAt: results[index]?.finishedAt ?? Number.POSITIVE_INFINITY,
      },
    ]),
  );
  const agentTypes = new Set(
    results.flatMap((result) => (result.agentType === undefined ? [] : [result.agentType])),
  );
  const spans: TraceSpan[] = [];
  for (const agentType of agentTypes) {
    for (const record of history.getAgentHistory(agentType)) {
      const task = taskOf.get(record.taskId);
      if (!task || record.startedAt < runStartedAt || record.finishedAt > task.finishedAt) continue;
      const startMs = record.startedAt - runStartedAt;
      spans.push({
        taskId: record.taskId,
        agentType,
        ...(record.workerId === undefined ? {} : { workerId: record.workerId }),
        startMs,
        // The duration is measured with the high-resolution clock; the epoch times only to the millisecond.
        endMs: startMs + record.durationMs,
        status: record.status,
        attempt: record.attempt,
        dependencies: task.dependencies,
      });
    }
  }
  return spans.sort((a, b) => a.startMs - b.startMs);
}

/** One event of the Chrome trace-event format (the subset lingflow writes). */
export interface ChromeTraceEvent {
  name: string;
  /** `X` complete slice, `M` metadata, `s`/`f` flow start and end. */
  ph: 'X' | 'M' | 's' | 'f';
  pid: number;
  tid: number;
  /** Microseconds. */
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  /** `e`: the flow end binds to the slice that encloses it. */
  bp?: 'e';
  args?: Record<string, unknown>;
}

/** A trace file's JSON object, as chrome://tracing and Perfetto open it. */
export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  otherData?: Record<string, string>;
}

/** Options of {@link toChromeTrace}. */
export interface ChromeTraceOptions {
  /** Name shown for the process row. Default `lingflow`. */
  processName?: string;
  /** Free-form facts kept in the file's `otherData` (machine, workflow id, …). */
  metadata?: Record<string, string>;
}

const PID = 1;

/** The track a span is drawn on: `worker <workerId>`, or `lane <lane>` without a worker id. */
export function traceTrackName(span: Pick<TraceSpan, 'workerId' | 'lane'>): string {
  return span.workerId !== undefined ? `worker ${span.workerId}` : `lane ${span.lane ?? 0}`;
}

/**
 * Converts the spans of a run into Chrome trace-event JSON: one track (`tid`) per worker, one slice per
 * attempt (named by task id, its category the agent type, status and attempt in `args`), and a flow arrow
 * from the end of each dependency to the start of the task that waited for it.
 */
export function toChromeTrace(spans: readonly TraceSpan[], options: ChromeTraceOptions = {}): ChromeTrace {
  const tracks = new Map<string, number>();
  const trackOf = (span: TraceSpan) => {
    const key = traceTrackName(span);
    let tid = tracks.get(key);
    if (tid === undefined) {
      tid = tracks.size + 1;
      tracks.set(key, tid);
    }
    return tid;
  };
  const ordered = [...spans].sort((a, b) => a.startMs - b.startMs);
  const slices: ChromeTraceEvent[] = ordered.map((span) => ({
    name: span.taskId,
    ph: 'X',
    pid: PID,
    tid: trackOf(span),
    ts: micros(span.startMs),
    dur: micros(Math.max(0, span.endMs - span.startMs)),
    cat: span.agentType ?? 'task',
    args: { status: span.status, ...(span.attempt === undefined ? {} : { attempt: span.attempt }) },
  }));

  const metadata: ChromeTraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: PID, tid: 0, args: { name: options.processName ?? 'lingflow' } },
    ...[...tracks].map(
      ([name, tid]): ChromeTraceEvent => ({
        name: 'thread_name',
        ph: 'M',
        pid: PID,
        tid,
        args: { name },
      }),
    ),
  ];

  return {
    traceEvents: [...metadata, ...slices, ...flowEvents(ordered, slices)],
    displayTimeUnit: 'ms',
    ...(options.metadata ? { otherData: options.metadata } : {}),
  };
}

/** Flow arrows: from the last attempt of each dependency that ended before the dependent started. */
function flowEvents(ordered: readonly TraceSpan[], slices: readonly ChromeTraceEvent[]): ChromeTraceEvent[] {
  const attemptsOf = new Map<string, number[]>();
  ordered.forEach((span, position) => {
    const list = attemptsOf.get(span.taskId);
    if (list) list.push(position);
    else attemptsOf.set(span.taskId, [position]);
  });
  const events: ChromeTraceEvent[] = [];
  let id = 0;
  ordered.forEach((span, position) => {
    for (const dependency of span.dependencies ?? []) {
      const candidates = attemptsOf.get(dependency);
      if (!candidates) continue;
      const before = candidates.filter((other) => ordered[other]!.endMs <= span.startMs);
      const source = slices[(before.length > 0 ? before : candidates).at(-1)!]!;
      const target = slices[position]!;
      id++;
      // A flow start binds to the slice open at its timestamp, so it sits just inside the source's end.
      const sourceEnd = source.ts! + source.dur!;
      const common = { name: 'dependency', cat: 'dependency', pid: PID, id };
      events.push({ ...common, ph: 's', tid: source.tid, ts: sourceEnd - Math.min(1, source.dur! / 2) });
      events.push({ ...common, ph: 'f', bp: 'e', tid: target.tid, ts: target.ts! });
    }
  });
  return events;
}

function micros(ms: number): number {
  return Math.round(ms * 1000 * 1000) / 1000;
}
