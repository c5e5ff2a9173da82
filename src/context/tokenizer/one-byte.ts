/**
 * Text that V8 can store with one byte per character. V8 stores a string with any character above U+00FF two
 * bytes per character, and runs regular expressions and compares string keys more slowly on it; one emoji or
 * curly quote makes a whole file so. Counting is faster on one-byte copies of the stretches without such
 * characters.
 *
 * @module
 */

const WIDE_CHARACTER = /[\u0100-\uffff]/;

/** Whether every character of `text` is at most U+00FF, so that it fits one byte per character (Latin-1). */
export function fitsOneByte(text: string): boolean {
  return !WIDE_CHARACTER.test(text);
}

/**
 * A copy of `text` that V8 stores with one byte per character.
 *
 * @param text - A text that {@link fitsOneByte}.
 */
export function narrowed(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}
