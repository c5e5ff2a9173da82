/**
 * Exact token count of a text plus cheap estimates for any stretch of it. The text is counted once, in units
 * cut at safe piece boundaries (at line starts, about every 768 characters), so the units' counts add up to the exact total, and the
 * tokens of a stretch are estimated from the units it covers.
 *
 * @module
 */
import type { CountTokens } from '../tokenizer/tokenizer.js';

/**
 * Units are about this many characters long: small enough for estimates, large enough that counting them
 * costs little more than counting the whole (each count call has a fixed cost).
 */
export const UNIT_LENGTH = 768;
const STARTS_UNIT = /[^\s/]/;
// A non-space followed by a space or tab: always a piece boundary that may be cut.
const CUT_IN_LINE = /\S[ \t]/g;

/**
 * Where units begin, about every {@link UNIT_LENGTH} characters: at a line start if the line opens with a
 * character that starts a new piece, else after the line's first word. Both are piece boundaries where counts stay additive (see `isSafeCut`).
 */
function unitStarts(text: string, unitLength: number): number[] {
  const starts = [0];
  for (
    let newline = text.indexOf('\n', unitLength - 1);
    newline !== -1;
    newline = text.indexOf('\n', Math.max(newline + 1, starts[starts.length - 1]! + unitLength - 1))
  ) {
    const lineStart = newline + 1;
    if (lineStart >= text.length) break;
    if (STARTS_UNIT.test(text[lineStart]!)) {
      starts.push(lineStart);
      continue;
    }
    const lineEnd = text.indexOf('\n', lineStart);
    CUT_IN_LINE.lastIndex = lineStart;
    const match = CUT_IN_LINE.exec(text);
    if (match !== null && (lineEnd === -1 || match.index + 1 < lineEnd)) starts.push(match.index + 1);
  }
  return starts;
}

/** A text's exact token count and estimates for its stretches. */
export class TokenMap {
  /** Exact tokens of the whole text. */
  readonly total: number;
  private readonly starts: number[];
  // tokensBefore[i] is the exact count of text.slice(0, starts[i]).
  private readonly tokensBefore: number[];

  /**
   * @param text - The text to measure.
   * @param count - Counts exactly; the units are counted once each, so an uncached counter suits.
   * @param unitLength - Length of the units counted, default {@link UNIT_LENGTH}.
   */
  constructor(
    private readonly text: string,
    count: CountTokens,
    unitLength = UNIT_LENGTH,
  ) {
    this.starts = unitStarts(text, unitLength);
    this.tokensBefore = [0];
    let total = 0;
    for (let i = 0; i < this.starts.length; i++) {
      total += count(text.slice(this.starts[i], this.starts[i + 1] ?? text.length));
      this.tokensBefore.push(total);
    }
    this.total = total;
  }

  /** Estimated tokens of `text.slice(start, end)`, interpolating within units. */
  estimate(start: number, end: number): number {
    return Math.max(0, this.tokensUpTo(end) - this.tokensUpTo(start));
  }

  private tokensUpTo(offset: number): number {
    if (offset <= 0) return 0;
    if (offset >= this.text.length) return this.total;
    // Binary search for the unit holding the offset.
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const unitStart = this.starts[low]!;
    const unitEnd = this.starts[low + 1] ?? this.text.length;
    const before = this.tokensBefore[low]!;
    const inUnit = this.tokensBefore[low + 1]! - before;
    return before + (inUnit * (offset - unitStart)) / (unitEnd - unitStart);
  }
}
