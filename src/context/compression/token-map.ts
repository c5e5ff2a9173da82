/**
 * Exact token count of a text, cheap estimates for any stretch of it, and exact counts of drafts made from it.
 * The text is counted once, in short units cut where counts stay additive, so the units' counts add up to the
 * exact total; a stretch is estimated from the units it covers, and a draft is counted afresh only where it
 * differs from whole units.
 *
 * @module
 */
import type { CountTokens } from '../tokenizer/tokenizer.js';
import type { Draft } from './draft.js';

/**
 * Units are about this many characters long: counting in short units costs no more than counting the whole,
 * and the shorter they are, the closer the estimates and the less of a draft needs counting afresh.
 */
export const UNIT_LENGTH = 64;

// Cuts where a count is the sum of the counts of the two sides (see `isSafeCut`): after a newline before a
// character that starts a new piece (not a space; not a slash, which a punctuation piece takes with the
// newline), or between a non-space and a space or tab. Each depends only on the two characters around it.
const SAFE_CUT = /\n[^\s/]|\S[ \t]/g;

/** Where units begin, about every `unitLength` characters, and the text's length last. */
function unitStarts(text: string, unitLength: number): Int32Array {
  const starts = [0];
  for (let from = unitLength - 1; from < text.length; ) {
    SAFE_CUT.lastIndex = from;
    const match = SAFE_CUT.exec(text);
    if (match === null) break;
    const cut = match.index + 1;
    starts.push(cut);
    from = cut + unitLength - 1;
  }
  starts.push(text.length);
  return Int32Array.from(starts);
}

/** A text's exact token count, estimates for its stretches, and exact counts of its drafts. */
export class TokenMap {
  /** Exact tokens of the whole text. */
  readonly total: number;
  // Unit i is text.slice(starts[i], starts[i + 1]); the last entry is the text's length.
  private readonly starts: Int32Array;
  // tokensBefore[i] is the exact count of text.slice(0, starts[i]).
  private readonly tokensBefore: Int32Array;

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
    this.tokensBefore = new Int32Array(this.starts.length);
    for (let i = 1; i < this.starts.length; i++) {
      this.tokensBefore[i] =
        this.tokensBefore[i - 1]! + count(text.slice(this.starts[i - 1], this.starts[i]));
    }
    this.total = this.tokensBefore[this.starts.length - 1]!;
  }

  /** Estimated tokens of `text.slice(start, end)`, interpolating within units. */
  estimate(start: number, end: number): number {
    return Math.max(0, this.tokensUpTo(end) - this.tokensUpTo(start));
  }

  /**
   * The exact count of a draft of this text. The draft is cut wherever one of the text's unit starts lands
   * with the same character before it as in the text, which keeps the cut additive; a stretch between two
   * such cuts that is a whole unit, unchanged, has the unit's count, and the rest is counted.
   *
   * @param draft - A draft whose origins are offsets in this map's text, increasing.
   * @param count - Counts exactly.
   */
  countDraft(draft: Draft, count: CountTokens): number {
    const { text, origin } = draft;
    const { starts, tokensBefore } = this;
    let total = 0;
    // Drafted text from here on is not yet counted.
    let uncounted = 0;
    // The stretch since the last cut, the unit it starts with (-1 if none) and where its run of consecutive
    // origins begins.
    let stretch = 0;
    let stretchUnit = origin[0] === 0 ? 0 : -1;
    let run = 0;
    let unit = 0;
    const endStretch = (end: number): void => {
      const whole =
        stretchUnit >= 0 &&
        run <= stretch &&
        end - stretch === starts[stretchUnit + 1]! - starts[stretchUnit]!;
      if (!whole) return;
      if (uncounted < stretch) total += count(text.slice(uncounted, stretch));
      total += tokensBefore[stretchUnit + 1]! - tokensBefore[stretchUnit]!;
      uncounted = end;
    };
    for (let i = 1; i < text.length; i++) {
      const from = origin[i]!;
      const previous = origin[i - 1]!;
      const consecutive = from >= 0 && previous >= 0 && from === previous + 1;
      if (from > 0) {
        while (starts[unit]! < from) unit++;
        if (starts[unit] === from && text.charCodeAt(i - 1) === this.text.charCodeAt(from - 1)) {
          endStretch(i);
          stretch = i;
          stretchUnit = unit;
          run = i;
          continue;
        }
      }
      if (!consecutive) run = i;
    }
    endStretch(text.length);
    if (uncounted < text.length) total += count(text.slice(uncounted));
    return total;
  }

  private tokensUpTo(offset: number): number {
    if (offset <= 0) return 0;
    if (offset >= this.text.length) return this.total;
    // Binary search for the unit holding the offset.
    let low = 0;
    let high = this.starts.length - 2;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const unitStart = this.starts[low]!;
    const unitEnd = this.starts[low + 1]!;
    const before = this.tokensBefore[low]!;
    const inUnit = this.tokensBefore[low + 1]! - before;
    return before + (inUnit * (offset - unitStart)) / (unitEnd - unitStart);
  }
}
