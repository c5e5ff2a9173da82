import { performance } from 'node:perf_hooks';

/** The stream the progress display writes to: `process.stderr`, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Shows what the bench is doing: one line rewritten in place on a terminal, plain lines otherwise. */
export class ProgressDisplay {
  readonly #stream: ProgressStream;
  readonly #startedAt = performance.now();
  #live = false;
  #prefix = '';

  constructor(stream: ProgressStream) {
    this.#stream = stream;
  }

  /** Sets what every following message is about, e.g. `[2/4 workflows]`. */
  setPrefix(prefix: string): void {
    this.#prefix = prefix;
  }

  /** Shows a transient message. */
  update(message: string): void {
    const line = `${elapsed(performance.now() - this.#startedAt)} ${this.#prefix} ${message}`;
    if (this.#stream.isTTY) {
      const width = Math.max(20, (this.#stream.columns ?? 80) - 1);
      this.#stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      this.#live = true;
    } else {
      this.#stream.write(`${line}\n`);
    }
  }

  /** Prints a line that stays, clearing the live line first. */
  log(message: string): void {
    this.clear();
    this.#stream.write(`${message}\n`);
  }

  /** Removes the live line, so that other output starts on a clean line. */
  clear(): void {
    if (this.#live) this.#stream.write('\r\x1b[2K');
    this.#live = false;
  }
}

function elapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
