import type { TraceSpan } from '../../src/monitoring/chrome-trace.js';

/**
 * Data for the report's figures. A section that has some puts it in its `raw.figures`, and the report
 * writer draws `speedup.svg` from the first speedup figure and `gantt.svg` and `trace.json` from the
 * first Gantt figure it finds.
 */
export interface SectionFigures {
  speedup?: SpeedupFigure;
  gantt?: GanttFigure;
}

/** Speedup against worker count, one series per contender. */
export interface SpeedupFigure {
  title: string;
  /** Cores of the machine: the ideal speedup stops growing there. */
  cores: number;
  series: { name: string; points: { workers: number; speedup: number }[] }[];
}

/** One run of a workflow: every attempt on the worker that ran it. */
export interface GanttFigure {
  title: string;
  spans: TraceSpan[];
  /** The makespan's lower bound, drawn as a marker when given. */
  lowerBoundMs?: number;
}

/** The figures a section's raw results carry, if any. */
export function figuresOf(raw: Record<string, unknown> | undefined): SectionFigures {
  const figures = raw?.figures;
  return typeof figures === 'object' && figures !== null ? (figures as SectionFigures) : {};
}
