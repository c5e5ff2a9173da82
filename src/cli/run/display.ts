import type { Writable } from 'node:stream';
import type { TaskResult, TaskStatus } from '../../types.js';
import type { RunProgress } from './run-progress.js';

/** Shows a run while it goes: live in a terminal, or as plain lines in a log. */
export interface RunDisplay {
  /** Says that cancelling has begun, after Ctrl-C. */
  interrupted(): void;
  /** Draws the final state and releases the terminal. */
  stop(): void;
}

/** What a display shows in its heading. */
export interface DisplayHeading {
  name: string;
  /** The parallelism, as a person reads it: `3 workers`, `auto (2 workers now)`. */
  workers: string;
}

/** Whether to colour output: only on terminals, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

/** ANSI colours that vanish when colour is off. */
export function palette(color: boolean) {
  const wrap = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { green: wrap(32), red: wrap(31), yellow: wrap(33), dim: wrap(2), bold: wrap(1), cyan: wrap(36) };
}

/** One mark per final status, readable without colour. */
export const STATUS_MARK: Record<TaskStatus, string> = {
  completed: '✔',
  failed: '✘',
  timed_out: '⏱',
  cancelled: '■',
  skipped: '↷',
};

/** Colours a status mark or word the way people expect: green good, red bad, yellow neither. */
export function statusColor(
  status: TaskStatus,
  colors: ReturnType<typeof palette>,
): (text: string) => string {
  if (status === 'completed') return colors.green;
  if (status === 'failed' || status === 'timed_out') return colors.red;
  return colors.yellow;
}

/** `3 completed · 1 failed · 2 skipped`, leaving out zeros. */
export function describeCounts(progress: RunProgress): string {
  const parts = (Object.entries(progress.counts) as [TaskStatus, number][])
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status.replace('_', ' ')}`);
  return parts.join(' · ');
}

/** The reason a result did not complete, on one line. */
export function oneLineError(result: TaskResult): string {
  return (result.error ?? '').split('\n')[0] ?? '';
}
