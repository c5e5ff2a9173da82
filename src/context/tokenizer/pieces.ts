/**
 * The pre-tokenizer of each encoding: the regular expression that splits text into pieces before byte-pair
 * merging. Token counts add up over pieces, so each piece can be counted on its own, and a text cut where both
 * sides keep their pieces counts as the sum of its parts.
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

/**
 * A fresh sticky regular expression that matches the piece starting at its `lastIndex` and moves past it;
 * `test` steps from piece to piece without building match arrays (a quarter faster than `exec`).
 *
 * @param encoding - Whose pre-tokenizer to use.
 */
export function pieceSplitter(encoding: Encoding): RegExp {
  return new RegExp(PATTERNS[encoding], 'yu');
}

const NEWLINE = 10;
const SLASH = 47;
const SPACE = 32;
const TAB = 9;

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

const isHorizontalSpace = (code: number): boolean => code === SPACE || code === TAB;

/**
 * Whether a text may be cut at `at` with the counts of the two sides adding up to the count of the whole,
 * whatever text comes before, in both encodings. Three cases, each always a piece boundary and never the one
 * unsafe kind (spaces before a non-space, which the pre-tokenizer splits as `\s+(?!\S)` plus one space, but
 * which a text's end keeps whole):
 * - between a non-space and a space or tab;
 * - after a newline, before a character that starts a new piece (not a space; not a slash, which a
 *   punctuation piece takes with the newline);
 * - after a newline, before spaces or tabs that end at a non-space or at the text's end (no newline follows
 *   them, so the newline's piece ends at the cut): an indented line's start.
 *
 * @param text - The text.
 * @param at - An offset in it, not 0.
 */
export function isSafeCut(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  if (before !== NEWLINE) return !isSpace(before) && isHorizontalSpace(after);
  if (!isHorizontalSpace(after)) return !isSpace(after) && after !== SLASH;
  let next = at + 1;
  while (isHorizontalSpace(text.charCodeAt(next))) next++;
  return next >= text.length || !isSpace(text.charCodeAt(next));
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
