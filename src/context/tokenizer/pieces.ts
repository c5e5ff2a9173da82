/**
 * The pre-tokenizer of each encoding: the regular expression that splits text into pieces before byte-pair
 * merging. Token counts add up over pieces, which lets long pieces be counted apart from the rest exactly.
 *
 * @module
 */
import type { Encoding } from '../types.js';

// tiktoken's own patterns, with the case-insensitive contractions spelt out for JavaScript.
const CONTRACTIONS = "'s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D";
const PATTERNS: Record<Encoding, string> = {
  o200k_base: String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(${CONTRACTIONS})?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(${CONTRACTIONS})?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  cl100k_base: String.raw`(${CONTRACTIONS})|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
};

/**
 * Pieces longer than this many UTF-16 units are merged by {@link countLongPiece} rather than by the library:
 * the libraries' merge loop is quadratic in piece length (100,000 spaces take seconds).
 */
export const MAX_NATIVE_PIECE_LENGTH = 256;

// Every piece is a run of letters/marks or of non-letters/non-digits, give or take a one-character prefix and
// a three-character contraction, so a piece over the limit implies a run this long of one of the two classes.
const LONG_RUN = MAX_NATIVE_PIECE_LENGTH - 4;

const LETTER = 1;
const MARK = 2;
const DIGIT = 3;
const OTHER = 4;
const letterPattern = /\p{L}/u;
const markPattern = /\p{M}/u;
const digitPattern = /\p{N}/u;
// Character classes of the Basic Multilingual Plane, filled in as met (0: not yet classified).
const bmpClasses = new Uint8Array(0x10000);

function classify(char: string): number {
  if (letterPattern.test(char)) return LETTER;
  if (markPattern.test(char)) return MARK;
  return digitPattern.test(char) ? DIGIT : OTHER;
}

function classOf(code: number): number {
  if (code < 128) {
    const lower = code | 32;
    if (lower >= 97 && lower <= 122) return LETTER;
    return code >= 48 && code <= 57 ? DIGIT : OTHER;
  }
  let known = bmpClasses[code]!;
  if (known === 0) {
    known = classify(String.fromCharCode(code));
    bmpClasses[code] = known;
  }
  return known;
}

/**
 * Whether the text may hold a piece too long for the libraries; false means it certainly does not. One pass
 * over the UTF-16 units (a Unicode-class regular expression is several times slower than counting itself).
 *
 * @param text - Any text.
 */
export function mayHaveLongPiece(text: string): boolean {
  if (text.length < LONG_RUN) return false;
  let lettersOrMarks = 0;
  let notLettersOrDigits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let kind: number;
    let width = 1;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const point = text.codePointAt(i)!;
      kind = point > 0xffff ? classify(String.fromCodePoint(point)) : OTHER;
      width = point > 0xffff ? 2 : 1;
      i += width - 1;
    } else {
      kind = classOf(code);
    }
    lettersOrMarks = kind === LETTER || kind === MARK ? lettersOrMarks + width : 0;
    notLettersOrDigits = kind === OTHER || kind === MARK ? notLettersOrDigits + width : 0;
    if (lettersOrMarks >= LONG_RUN || notLettersOrDigits >= LONG_RUN) return true;
  }
  return false;
}

/** A piece of text as the pre-tokenizer cut it. */
export interface Piece {
  /** Offset of the first UTF-16 unit. */
  start: number;
  /** Offset just past the last unit. */
  end: number;
}

/**
 * The pieces of a text, in order and covering it without gaps.
 *
 * @param text - Any text.
 * @param encoding - Whose pre-tokenizer to use.
 */
export function* pieces(text: string, encoding: Encoding): Generator<Piece> {
  const pattern = new RegExp(PATTERNS[encoding], 'gu');
  for (const match of text.matchAll(pattern)) {
    yield { start: match.index, end: match.index + match[0].length };
  }
}

const WHITESPACE = /\s/;

/**
 * Whether text cut at piece boundary `at` can be counted as two texts with the same total. Only one case
 * breaks: a run of spaces or tabs right before a non-space, which the pre-tokenizer splits as `\s+(?!\S)`
 * plus one space, but which at the end of a text becomes one piece.
 *
 * @param text - The whole text.
 * @param at - A piece boundary in it.
 */
export function isSafeCut(text: string, at: number): boolean {
  const before = text[at - 1];
  const after = text[at];
  if (before === undefined || after === undefined) return true;
  const beforeIsHorizontalSpace = before !== '\n' && before !== '\r' && WHITESPACE.test(before);
  return !(beforeIsHorizontalSpace && !WHITESPACE.test(after));
}

/** A letter or digit followed by a space or tab: always a piece boundary, and a safe one, in both encodings. */
const SAFE_CUT = /[\p{L}\p{N}][ \t]/gu;

/**
 * Cuts text into parts of about `partLength` units at safe piece boundaries, so that the counts of the parts
 * add up to the count of the whole. A part may be longer where the text offers no safe cut.
 *
 * @param text - Any text.
 * @param partLength - Length to aim for.
 */
export function cutAtSafeBoundaries(text: string, partLength: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (text.length - start > partLength) {
    SAFE_CUT.lastIndex = start + partLength;
    const match = SAFE_CUT.exec(text);
    if (match === null) break;
    const cut = match.index + match[0].length - 1;
    parts.push(text.slice(start, cut));
    start = cut;
  }
  parts.push(text.slice(start));
  return parts;
}
