import type { Writable } from 'node:stream';
import { fitLine, formatDuration, plural, progressBar } from '../format.js';
import type { DisplayHeading, RunDisplay } from './display.js';
import { describeCounts, oneLineError, palette, STATUS_MARK, statusColor } from './display.js';
import type { ProgressNote, RunProgress } from './run-progress.js';

const FRAME_MS = 100;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 24;
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * The terminal view of a run: finished tasks scroll up as permanent lines, and below them a block redrawn
 * ten times a second shows each running task (agent, elapsed time, progress), the counts, a progress bar and
 * the tokens saved. Lines are cut to the terminal's width, since a wrapped line would break the redraw.
 */
export class LiveDisplay implements RunDisplay {
  readonly #out: Writable & { columns?: number };
  readonly #progress: RunProgress;
  readonly #colors: ReturnType<typeof palette>;
  readonly #timer: NodeJS.Timeout;
  #drawnLines = 0;
  #frame = 0;
  #interrupted = false;

  constructor(
    out: Writable & { columns?: number },
    progress: RunProgress,
    heading: DisplayHeading,
    color: boolean,
  ) {
    this.#out = out;
    this.#progress = progress;
    this.#colors = palette(color);
    progress.onNote((note) => this.#onNote(note));
    this.#out.write(
      `${HIDE_CURSOR}${this.#colors.bold(`lingflow · ${heading.name}`)} · ${heading.workers}\n`,
    );
    this.#timer = setInterval(() => this.#redraw(), FRAME_MS);
    this.#redraw();
  }

  interrupted(): void {
    this.#interrupted = true;
    this.#redraw();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#redraw();
    this.#out.write(SHOW_CURSOR);
  }

  #onNote(note: ProgressNote): void {
    // Permanent lines go above the live block: clear the block, print, and let the next frame redraw it.
    if (note.kind === 'finished') {
      const { result } = note;
      const paint = statusColor(result.status, this.#colors);
      const time = result.attempts > 0 ? formatDuration(result.durationMs) : '';
      const why = result.status === 'completed' ? '' : `  ${this.#colors.dim(oneLineError(result))}`;
      const { idWidth, agentWidth } = this.#progress;
      this.#print(
        `${paint(STATUS_MARK[result.status])} ${result.taskId.padEnd(idWidth)}  ${this.#colors.dim((result.agentType ?? '').padEnd(agentWidth))}  ${time.padStart(6)}${why}`,
      );
    } else if (note.kind === 'retried') {
      this.#print(
        `${this.#colors.yellow('↻')} ${note.taskId}  retry ${note.nextAttempt} in ${formatDuration(note.delayMs)}  ${this.#colors.dim(note.error.split('\n')[0] ?? '')}`,
      );
    }
  }

  #print(line: string): void {
    this.#clearBlock();
    this.#out.write(`${fitLine(line, this.#width())}\n`);
    this.#redraw();
  }

  #redraw(): void {
    this.#clearBlock();
    const lines = this.#block();
    this.#out.write(lines.map((line) => `${line}\n`).join(''));
    this.#drawnLines = lines.length;
    this.#frame++;
  }

  #clearBlock(): void {
    if (this.#drawnLines > 0) this.#out.write(`\x1b[${this.#drawnLines}A\x1b[0J`);
    this.#drawnLines = 0;
  }

  #block(): string[] {
    const progress = this.#progress;
    const colors = this.#colors;
    const width = this.#width();
    const now = performance.now();
    const spinner = SPINNER[this.#frame % SPINNER.length]!;
    const running = [...progress.running.values()];
    const idWidth = Math.max(progress.idWidth, ...running.map((task) => task.taskId.length));
    const agentWidth = Math.max(progress.agentWidth, ...running.map((task) => task.agentType.length));
    const lines = running.map((task) => {
      const elapsed = formatDuration(now - task.startedAt).padStart(6);
      const bar =
        task.fraction === undefined
          ? ''
          : `  ${progressBar(task.fraction, 10)} ${String(Math.round(task.fraction * 100)).padStart(3)}%`;
      const attempt = task.attempt > 1 ? colors.yellow(` (attempt ${task.attempt})`) : '';
      const message = task.message ? `  ${colors.dim(task.message)}` : '';
      return `${colors.cyan(spinner)} ${task.taskId.padEnd(idWidth)}  ${colors.dim(task.agentType.padEnd(agentWidth))}  ${elapsed}${bar}${attempt}${message}`;
    });
    const fraction = progress.total === 0 ? 1 : progress.done / progress.total;
    const counts = describeCounts(progress);
    const workers = progress.parallelism === undefined ? '' : ` · auto: ${progress.parallelism} at once`;
    const tokens = progress.compressed
      ? ` · ${progress.tokensSaved.toLocaleString('en-US')} tokens saved`
      : '';
    lines.push(
      `${progressBar(fraction, BAR_WIDTH)} ${progress.done}/${plural(progress.total, 'task')} · ${progress.running.size} running${counts ? ` · ${counts}` : ''}${workers}${tokens} · ${formatDuration(progress.elapsedMs(now))}`,
    );
    if (this.#interrupted) lines.push(colors.yellow('Cancelling… (press Ctrl-C again to stop at once)'));
    return lines.map((line) => fitLine(line, width));
  }

  #width(): number {
    return Math.max(20, (this.#out.columns ?? 80) - 1);
  }
}
