/**
 * Exact token count of a text, close estimates for any stretch of it, and exact counts of drafts made from it.
 * The text is counted once, piece by piece, noting the exact count at short intervals where counts stay
 * additive; those cuts split it into units, a stretch is estimated from the units it covers, and a draft is
 * counted afresh only where it differs from whole units.
 *
 * @module
 */
import { isSafeCut } from '../tokenizer/pieces.js';
import type { CountTokens, UncachedCounting } from '../tokenizer/tokenizer.js';
import type { Draft } from './draft.js';

/**
 * Units are at least this many characters long, unless a sentence or line ends sooner. Counting is one pass
 * whatever their length; shorter units give closer estimates and less of a draft to count afresh, longer ones
 * smaller maps.
 */
export const UNIT_LENGTH = 16;

/** What a token map needs of a tokenizer: the exact count at each safe cut of a text. */
export type SafeCutCounting = Pick<UncachedCounting, 'countAtSafeCuts'>;

const NEWLINE = 10;

/** Whether a UTF-16 unit is a sentence's final stop: `.`, `!` or `?`. */
const isStop = (code: number): boolean => code === 46 || code === 33 || code === 63;

/** Whether a UTF-16 unit may close a sentence after its stop: a quote or a closing bracket. */
const isCloser = (code: number): boolean =>
  code === 34 || code === 39 || code === 41 || code === 93 || code === 0x201d || code === 0x2019;

/**
 * Whether a safe cut ends a line or a sentence (a stop and any closers, before a space): cut there whatever
 * the units' length, so that the units of prose are whole sentences and lines, as compressText keeps them.
 */
function isNaturalCut(text: string, at: number): boolean {
  let before = at - 1;
  let code = text.charCodeAt(before);
  if (code === NEWLINE || isStop(code)) return true;
  while (isCloser(code) && before > 0) code = text.charCodeAt(--before);
  return isStop(code);
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
   * @param tokenizer - Counts it exactly, telling the count at each safe cut.
   * @param unitLength - Length of the units, default {@link UNIT_LENGTH}.
   */
  constructor(
    private readonly text: string,
    tokenizer: SafeCutCounting,
    unitLength = UNIT_LENGTH,
  ) {
    const starts = [0];
    const tokensBefore = [0];
    let last = 0;
    const total = tokenizer.countAtSafeCuts(text, (cut, before) => {
      if (cut - last >= unitLength || isNaturalCut(text, cut)) {
        starts.push(cut);
        tokensBefore.push(before);
        last = cut;
      }
    });
    starts.push(text.length);
    tokensBefore.push(total);
    this.starts = Int32Array.from(starts);
    this.tokensBefore = Int32Array.from(tokensBefore);
    this.total = total;
  }

  /** Estimated tokens of `text.slice(start, end)`, interpolating within units. */
  estimate(start: number, end: number): number {
    return Math.max(0, this.tokensUpTo(end) - this.tokensUpTo(start));
  }

  /**
   * The exact count of a draft of this text. The draft is taken run by run, a run being characters copied in
   * one stretch from the text: the units that lie whole in a run recur in the draft, their counts are known,
   * and only the draft between such blocks is counted afresh. A block's outer cuts must be safe in the draft
   * too, as the characters beyond them come from elsewhere. A block may also start one character before its
   * run, on a character equal to the text's there: a sentence kept with the space that followed the sentence
   * before it.
   *
   * @param draft - A draft whose origins are offsets in this map's text, increasing.
   * @param count - Counts exactly.
   */
  countDraft(draft: Draft, count: CountTokens): number {
    const { text, origin } = draft;
    const { starts, tokensBefore } = this;
    const length = text.length;
    const lastUnit = starts.length - 1;
    let total = 0;
    // Drafted text from here on is not yet counted.
    let uncounted = 0;
    // The first unit that starts at or after the current run's origin; runs' origins increase.
    let unit = 0;
    for (let runStart = 0; runStart < length; ) {
      const from = origin[runStart]!;
      if (from < 0) {
        runStart++;
        continue;
      }
      let runEnd = runStart + 1;
      while (runEnd < length && origin[runEnd] === from + runEnd - runStart) runEnd++;
      const to = from + runEnd - runStart;
      while (starts[unit]! < from) unit++;
      // Units first..end-1 lie whole in the run; a unit at `from` - 1 may start on the draft's previous unit.
      let first = unit;
      const before = runStart - 1;
      if (
        first > 0 &&
        starts[first - 1] === from - 1 &&
        starts[first]! <= to &&
        before >= uncounted &&
        text.charCodeAt(before) === this.text.charCodeAt(from - 1) &&
        (before === 0 || isSafeCut(text, before))
      ) {
        first--;
      } else if (starts[first] === from && runStart > 0 && !isSafeCut(text, runStart)) {
        first++;
      }
      let end = unit;
      while (end < lastUnit && starts[end + 1]! <= to) end++;
      unit = end;
      // The cut after the block looks past it when a line's indentation follows, and so does the cut before a
      // last unit of indentation alone: each is checked in the draft, dropping units until one holds.
      let blockEnd = runStart + starts[end]! - from;
      while (end > first && blockEnd < length && !isSafeCut(text, blockEnd)) {
        end--;
        blockEnd = runStart + starts[end]! - from;
      }
      if (first < end) {
        const blockStart = runStart + starts[first]! - from;
        if (uncounted < blockStart) total += count(text.slice(uncounted, blockStart));
        total += tokensBefore[end]! - tokensBefore[first]!;
        uncounted = runStart + starts[end]! - from;
      }
      runStart = runEnd;
    }
    if (uncounted < length) total += count(text.slice(uncounted));
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
