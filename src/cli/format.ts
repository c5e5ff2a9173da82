/** `0.42s`, `12.3s`, `2m05s`: short and stable in width for a live display. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** A bar of `width` cells, `fraction` of them filled. */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Rows as columns padded to their widest cell; `align` is per column, `r` for numbers. */
export function formatTable(
  rows: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[] = [],
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** A colour or cursor escape sequence (ESC [ … letter). */
const ANSI_SOURCE = `${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`;
const ANSI = new RegExp(ANSI_SOURCE, 'y');
const ANSI_ALL = new RegExp(ANSI_SOURCE, 'g');

/**
 * Cuts a line to `width` visible characters so a terminal never wraps it (which would break redraws).
 * Colour codes take no width and are never cut in half.
 */
export function fitLine(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; ) {
    ANSI.lastIndex = i;
    const code = ANSI.exec(line);
    if (code) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    if (visible === width - 1 && visibleLength(line.slice(i)) > 1) return `${out}…\x1b[0m`;
    out += line[i];
    visible++;
    i++;
  }
  return out;
}

/** Length of a string as a terminal shows it, without colour codes. */
export function visibleLength(text: string): number {
  return text.replace(ANSI_ALL, '').length;
}

/** A count with its noun, `1 task`, `3 tasks`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
