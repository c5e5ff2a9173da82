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

// Closing quotes and brackets that may follow a sentence's final stop.
const CLOSERS = new Set([34, 39, 0x201d, 0x2019, 41, 93]);
const STOPS = new Set([46, 33, 63]);

/**
 * Whether a safe cut ends a line or a sentence (a stop and any closers, before a space): cut there whatever
 * the units' length, so that the units of prose are whole sentences and lines, as compressText keeps them.
 */
function isNaturalCut(text: string, at: number): boolean {
  let before = at - 1;
  if (text.charCodeAt(before) === NEWLINE) return true;
  while (before > 0 && CLOSERS.has(text.charCodeAt(before))) before--;
  return STOPS.has(text.charCodeAt(before));
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
   * The exact count of a draft of this text. The draft is cut where a unit of the text recurs whole, between
   * characters that keep counts additive; such a stretch has the unit's count, and only the rest is counted.
   * Where a unit may recur is told by the origins: at a character drafted from a unit's start, or at a space
   * drafted from elsewhere before a character drafted from just after one (a sentence kept with the space
   * that followed the sentence before it).
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
    let unit = 0;
    // The unit that starts at `offset` of the original, if one does; `unit` only moves forward.
    const unitStartingAt = (offset: number): number => {
      while (starts[unit]! < offset) unit++;
      return starts[unit] === offset && offset < this.text.length ? unit : -1;
    };
    // Whether unit `k` recurs whole at `at`, cut safely on both sides.
    const recurs = (k: number, at: number): boolean => {
      const start = starts[k]!;
      const end = at + starts[k + 1]! - start;
      if (end > text.length || (at > 0 && !isSafeCut(text, at))) {
        return false;
      }
      if (end < text.length && !isSafeCut(text, end)) return false;
      for (let i = at; i < end; i++)
        if (text.charCodeAt(i) !== this.text.charCodeAt(start + i - at)) return false;
      return true;
    };
    for (let at = 0; at < text.length; ) {
      const here = origin[at]!;
      const next = at + 1 < text.length ? origin[at + 1]! : -1;
      let k = here >= 0 ? unitStartingAt(here) : -1;
      if (k < 0 || !recurs(k, at)) k = next > 0 ? unitStartingAt(next - 1) : -1;
      if (k < 0 || !recurs(k, at)) {
        at += here >= 0 && next === here + 1 ? this.copiedUntilUnit(origin, at, unit) : 1;
        continue;
      }
      if (uncounted < at) total += count(text.slice(uncounted, at));
      total += tokensBefore[k + 1]! - tokensBefore[k]!;
      at += starts[k + 1]! - starts[k]!;
      uncounted = at;
    }
    if (uncounted < text.length) total += count(text.slice(uncounted));
    return total;
  }

  /**
   * How far a draft may be passed over from `at`, drafted from offset `here` of the text, in search of a
   * recurring unit: to the character drafted from just before the next unit's start, if the draft runs on
   * to it. Origins increase, so no character before that one comes from a unit's start or just after one.
   *
   * @param unit - The first unit that starts at or after `here`.
   */
  private copiedUntilUnit(origin: Int32Array, at: number, unit: number): number {
    const here = origin[at]!;
    const next = this.starts[unit]! > here ? this.starts[unit]! : this.starts[unit + 1]!;
    const skip = next - 1 - here;
    return skip > 1 && origin[at + skip] === next - 1 ? skip : 1;
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
