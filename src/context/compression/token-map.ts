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
// Such cuts at sentence ends (before the space) and line starts, taken wherever they are: the units of prose
// are then whole sentences and lines, as compressText keeps them.
const NATURAL_CUT = /[.!?]["'”’)\]]*(?=[ \t])|\n(?=[^\s/])/g;

const NEWLINE = 10;
const SLASH = 47;

/** Whether a UTF-16 unit is white space to regular expressions (`\s`). */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Whether a text may be cut between these two UTF-16 units, as SAFE_CUT says. */
function isSafeBetween(before: number, after: number): boolean {
  if (before === NEWLINE) return !isSpace(after) && after !== SLASH;
  return !isSpace(before) && (after === 32 || after === 9);
}

/**
 * Where units begin: at sentence ends and line starts, and elsewhere about every `unitLength` characters;
 * the text's length last.
 */
function unitStarts(text: string, unitLength: number): Int32Array {
  const starts = [0];
  let last = 0;
  const fillTo = (limit: number): void => {
    while (last + unitLength < limit) {
      SAFE_CUT.lastIndex = last + unitLength - 1;
      const match = SAFE_CUT.exec(text);
      if (match === null || match.index + 1 >= limit) return;
      last = match.index + 1;
      starts.push(last);
    }
  };
  for (const match of text.matchAll(NATURAL_CUT)) {
    const cut = match.index + match[0].length;
    fillTo(cut);
    if (cut > last && cut < text.length) {
      last = cut;
      starts.push(cut);
    }
  }
  fillTo(text.length);
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
      if (end > text.length || (at > 0 && !isSafeBetween(text.charCodeAt(at - 1), text.charCodeAt(at)))) {
        return false;
      }
      if (end < text.length && !isSafeBetween(text.charCodeAt(end - 1), text.charCodeAt(end))) return false;
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
