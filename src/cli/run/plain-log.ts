import type { Writable } from 'node:stream';
import { formatDuration } from '../format.js';
import type { DisplayHeading, RunDisplay } from './display.js';
import { oneLineError } from './display.js';
import type { ProgressNote, RunProgress } from './run-progress.js';

/**
 * The view of a run for logs and pipes: one plain line per event, each stamped with the time since the
 * start, no colours and no redrawing.
 */
export class PlainLog implements RunDisplay {
  readonly #out: Writable;
  readonly #progress: RunProgress;

  constructor(out: Writable, progress: RunProgress, heading: DisplayHeading) {
    this.#out = out;
    this.#progress = progress;
    this.#out.write(`lingflow · ${heading.name} · ${heading.workers} · ${progress.total} tasks\n`);
    progress.onNote((note) => this.#onNote(note));
  }

  interrupted(): void {
    this.#line('interrupted: cancelling running and queued tasks');
  }

  stop(): void {}

  #onNote(note: ProgressNote): void {
    switch (note.kind) {
      case 'started':
        this.#line(
          `start     ${note.task.taskId} (${note.task.agentType}${note.task.attempt > 1 ? `, attempt ${note.task.attempt}` : ''})`,
        );
        break;
      case 'finished': {
        const { result } = note;
        const time = result.attempts > 0 ? ` in ${formatDuration(result.durationMs)}` : '';
        const why = result.status === 'completed' ? '' : `: ${oneLineError(result)}`;
        this.#line(`${result.status.padEnd(9)} ${result.taskId}${time}${why}`);
        break;
      }
      case 'retried':
        this.#line(
          `retry     ${note.taskId} (attempt ${note.nextAttempt} in ${formatDuration(note.delayMs)}): ${note.error.split('\n')[0]}`,
        );
        break;
      case 'log':
        this.#line(`log       ${note.taskId}: ${note.message}`);
        break;
      case 'parallelism':
        this.#line(`parallel  ${note.previous} → ${note.limit} tasks at once (auto)`);
        break;
      case 'progress':
        // Progress is for the live view; a log would drown in it.
        break;
    }
  }

  #line(text: string): void {
    this.#out.write(`[${formatDuration(this.#progress.elapsedMs()).padStart(7)}] ${text}\n`);
  }
}
