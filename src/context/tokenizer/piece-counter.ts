/**
 * Exact counting piece by piece. The encoding's pre-tokenizer splits the text into pieces, and byte-pair
 * merges never cross a piece, so a text's count is the sum of its pieces' counts. The library counts each
 * distinct piece once per thread, and the count is remembered: most pieces of real text recur (words,
 * keywords, indentation, punctuation), and a small map is faster than the libraries' own loops, which look
 * every piece up in the whole vocabulary (100,000 or 200,000 entries). Long pieces go to the near-linear merger
 * instead of the library, whose merge loop is quadratic in piece length.
 *
 * @module
 */
import type { Encoding } from '../types.js';
import type { NativeCounter } from './backends.js';
import { countLongPiece } from './long-piece.js';
import { fitsOneByte, narrowed } from './one-byte.js';
import { cutAtSafeBoundaries, isSafeCut, MAX_NATIVE_PIECE_LENGTH, pieceSplitter } from './pieces.js';

/** Pieces up to this many UTF-16 units are remembered; longer ones rarely recur and would crowd the memo. */
const REMEMBERED_PIECE_LENGTH = 64;

/** Counts remembered at most; the memo starts afresh when full (a few megabytes). */
const REMEMBERED_PIECES = 1 << 16;

/**
 * Texts with a character above U+00FF are counted in parts about this long, those parts without one as one-byte
 * copies (see `one-byte`).
 */
const NARROWED_PART_LENGTH = 16 * 1024;

/** Told each safe cut of a text (see {@link isSafeCut}) and the exact count of the text before it. */
export type SafeCutVisitor = (cut: number, tokensBefore: number) => void;

/** Counts text exactly, piece by piece, remembering the counts of short pieces. */
export class PieceCounter {
  private readonly counts = new Map<string, number>();
  private readonly splitter: RegExp;

  /**
   * @param encoding - Whose pre-tokenizer splits the text.
   * @param native - The library's counter, for pieces not yet remembered.
   */
  constructor(
    private readonly encoding: Encoding,
    private readonly native: NativeCounter,
  ) {
    this.splitter = pieceSplitter(encoding);
  }

  /** Pieces whose counts are remembered. */
  get remembered(): number {
    return this.counts.size;
  }

  /** Forgets every remembered count. */
  clear(): void {
    this.counts.clear();
  }

  /** The exact number of tokens in `text`. */
  count(text: string): number {
    return this.countPieces(text);
  }

  /**
   * Counts `text` exactly, telling `visit` each safe cut between its pieces and how many tokens come before it.
   *
   * @returns The text's tokens.
   */
  countAtSafeCuts(text: string, visit: SafeCutVisitor): number {
    return this.countPieces(text, visit);
  }

  private countPieces(text: string, visit?: SafeCutVisitor): number {
    if (text.length <= NARROWED_PART_LENGTH || fitsOneByte(text)) {
      return this.countRun(text, 0, 0, visit);
    }
    // Parts meet at safe cuts, so their counts add up and every cut inside them is one of the whole text's.
    let total = 0;
    let offset = 0;
    for (const part of cutAtSafeBoundaries(text, NARROWED_PART_LENGTH)) {
      if (visit !== undefined && offset > 0) visit(offset, total);
      const run = fitsOneByte(part) ? narrowed(part) : part;
      total += this.countRun(run, offset, total, visit);
      offset += part.length;
    }
    return total;
  }

  /** Counts `run`, which starts at `offset` of a text with `tokensBefore` tokens before it. */
  private countRun(run: string, offset: number, tokensBefore: number, visit?: SafeCutVisitor): number {
    this.splitter.lastIndex = 0;
    let total = 0;
    for (let start = 0; start < run.length; ) {
      if (visit !== undefined && start > 0 && isSafeCut(run, start))
        visit(offset + start, tokensBefore + total);
      const end = this.pieceEnd(run, start);
      total += this.tokensOf(run.slice(start, end));
      start = end;
    }
    return total;
  }

  /** Where the piece that starts at `start`, the splitter's position, ends; the splitter moves there. */
  private pieceEnd(text: string, start: number): number {
    // The pre-tokenizer matches every character, so pieces follow one another with no gap.
    if (!this.splitter.test(text))
      throw new Error(`${this.encoding}'s pre-tokenizer matched nothing at ${start}`);
    return this.splitter.lastIndex;
  }

  private tokensOf(piece: string): number {
    const known = this.counts.get(piece);
    if (known !== undefined) return known;
    if (piece.length > MAX_NATIVE_PIECE_LENGTH) return countLongPiece(piece, this.encoding);
    const tokens = this.native(piece);
    if (piece.length <= REMEMBERED_PIECE_LENGTH) {
      if (this.counts.size >= REMEMBERED_PIECES) this.counts.clear();
      this.counts.set(piece, tokens);
    }
    return tokens;
  }
}
