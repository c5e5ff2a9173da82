/**
 * Exact token counting: the chosen library counts, long pre-tokenizer pieces are merged apart in near-linear
 * time, and counts of long texts are cached by content hash.
 *
 * @module
 */

import { type CacheStats, contentKey, LruCache } from '../lru-cache.js';
import {
  DEFAULT_BACKEND,
  DEFAULT_ENCODING,
  type Encoding,
  type TokenizerBackend,
  type TokenizerChoice,
} from '../types.js';
import { type NativeCounter, nativeCounter } from './backends.js';
import { countLongPiece } from './long-piece.js';
import { isSafeCut, MAX_NATIVE_PIECE_LENGTH, mayHaveLongPiece, pieces } from './pieces.js';

/** Counts tokens exactly with one encoding and one library. */
export interface Tokenizer {
  /** The encoding counted with. */
  readonly encoding: Encoding;
  /** The library that counts. */
  readonly backend: TokenizerBackend;
  /**
   * The exact number of tokens in `text`; special-token markers such as `<|endoftext|>` count as plain text.
   *
   * @param text - Any text.
   */
  count(text: string): number;
  /** Hits and misses of this tokenizer's count cache. */
  cacheStats(): CacheStats;
  /** Empties this tokenizer's count cache. */
  clearCache(): void;
}

/** Counts a text exactly. */
export type CountTokens = (text: string) => number;

/** A tokenizer that can also count without its cache. */
export interface UncachedCounting extends Tokenizer {
  /**
   * Counts like `count`, without looking up or filling the cache: for texts that will not be counted again
   * (a text's parts, compression drafts), which would cost a hash each and crowd out counts worth keeping.
   */
  readonly countUncached: CountTokens;
}

/** Cached counts per tokenizer (a key and a number each). */
const CACHE_CAPACITY = 4096;

/** Texts shorter than this are counted afresh: counting them costs about as much as hashing them. */
const CACHE_FROM_LENGTH = 512;

class ExactTokenizer implements UncachedCounting {
  private readonly cache = new LruCache<number>(CACHE_CAPACITY);
  private readonly native: NativeCounter;

  constructor(
    readonly encoding: Encoding,
    readonly backend: TokenizerBackend,
  ) {
    this.native = nativeCounter(backend, encoding);
  }

  count(text: string): number {
    if (text.length < CACHE_FROM_LENGTH) return this.countUncached(text);
    const key = contentKey(text);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const count = this.countUncached(text);
    this.cache.set(key, count);
    return count;
  }

  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  clearCache(): void {
    this.cache.clear();
  }

  readonly countUncached = (text: string): number =>
    mayHaveLongPiece(text) ? this.countAroundLongPieces(text) : this.native(text);

  /** Lets the library count the stretches between long pieces, and merges each long piece itself. */
  private countAroundLongPieces(text: string): number {
    let total = 0;
    let stretchStart = 0;
    let lastPieceStart = 0;
    for (const piece of pieces(text, this.encoding)) {
      if (piece.end - piece.start <= MAX_NATIVE_PIECE_LENGTH) {
        lastPieceStart = piece.start;
        continue;
      }
      total += this.countStretch(text, stretchStart, piece.start, lastPieceStart);
      total += countLongPiece(text.slice(piece.start, piece.end), this.encoding);
      stretchStart = piece.end;
      lastPieceStart = piece.end;
    }
    return total + this.countStretch(text, stretchStart, text.length, lastPieceStart);
  }

  private countStretch(text: string, start: number, end: number, lastPieceStart: number): number {
    if (start >= end) return 0;
    if (isSafeCut(text, end)) return this.native(text.slice(start, end));
    // The last piece is then spaces or tabs, and cutting before it is safe.
    return this.native(text.slice(start, lastPieceStart)) + this.native(text.slice(lastPieceStart, end));
  }
}

const tokenizers = new Map<string, UncachedCounting>();

/**
 * The thread's tokenizer for an encoding and library, with its uncached counter: for the context engine.
 *
 * @param choice - Encoding (default `o200k_base`) and backend (default `gpt-tokenizer`).
 */
export function exactTokenizer(choice: TokenizerChoice = {}): UncachedCounting {
  const encoding = choice.encoding ?? DEFAULT_ENCODING;
  const backend = choice.backend ?? DEFAULT_BACKEND;
  const key = `${backend}/${encoding}`;
  let tokenizer = tokenizers.get(key);
  if (tokenizer === undefined) {
    tokenizer = new ExactTokenizer(encoding, backend);
    tokenizers.set(key, tokenizer);
  }
  return tokenizer;
}

/**
 * The tokenizer for an encoding and library, created once per thread and reused.
 *
 * @param choice - Encoding (default `o200k_base`) and backend (default `gpt-tokenizer`).
 */
export function getTokenizer(choice: TokenizerChoice = {}): Tokenizer {
  return exactTokenizer(choice);
}

/**
 * Counts the tokens of a text exactly, as the target model's tokenizer would.
 *
 * @param text - Any text; special-token markers count as plain text.
 * @param choice - Encoding (default `o200k_base`) and backend (default `gpt-tokenizer`).
 * @returns The number of tokens.
 */
export function countTokens(text: string, choice: TokenizerChoice = {}): number {
  return getTokenizer(choice).count(text);
}
