/**
 * Exact token counting: the chosen library counts each distinct pre-tokenizer piece once per thread (see
 * {@link PieceCounter}), long pieces are merged apart in near-linear time, and counts of long texts are cached
 * by content hash.
 *
 * @module
 */

import { ValidationError } from '../../errors.js';
import { type CacheStats, contentKey, LruCache } from '../lru-cache.js';
import { tokenizerChoiceProblems } from '../settings-problems.js';
import {
  DEFAULT_BACKEND,
  DEFAULT_ENCODING,
  type Encoding,
  type TokenizerBackend,
  type TokenizerChoice,
} from '../types.js';
import { nativeCounter } from './backends.js';
import { PieceCounter, type SafeCutVisitor } from './piece-counter.js';

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
  /** Empties this tokenizer's count cache and forgets the pieces it has counted. */
  clearCache(): void;
}

/** Counts a text exactly. */
export type CountTokens = (text: string) => number;

/** A tokenizer that can also count without its cache, and tell the count at each safe cut. */
export interface UncachedCounting extends Tokenizer {
  /**
   * Counts like `count`, without looking up or filling the cache: for texts that will not be counted again
   * (a text's parts, compression drafts), which would cost a hash each and crowd out counts worth keeping.
   */
  readonly countUncached: CountTokens;
  /**
   * Counts like `countUncached`, telling `visit` each place where the text may be cut with counts adding up
   * (see `isSafeCut`) and how many tokens come before it: a text's exact count at short intervals, in one pass.
   *
   * @returns The text's tokens.
   */
  countAtSafeCuts(text: string, visit: SafeCutVisitor): number;
}

/** Cached counts per tokenizer (a key and a number each). */
const CACHE_CAPACITY = 4096;

/** Texts shorter than this are counted afresh: counting them costs about as much as hashing them. */
const CACHE_FROM_LENGTH = 512;

class ExactTokenizer implements UncachedCounting {
  private readonly cache = new LruCache<number>(CACHE_CAPACITY);
  private readonly pieces: PieceCounter;

  constructor(
    readonly encoding: Encoding,
    readonly backend: TokenizerBackend,
  ) {
    this.pieces = new PieceCounter(encoding, nativeCounter(backend, encoding));
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
    this.pieces.clear();
  }

  readonly countUncached = (text: string): number => this.pieces.count(text);

  countAtSafeCuts(text: string, visit: SafeCutVisitor): number {
    return this.pieces.countAtSafeCuts(text, visit);
  }
}

const tokenizers = new Map<string, UncachedCounting>();

/**
 * The thread's tokenizer for an encoding and library, with its uncached counter: for the context engine.
 *
 * @param choice - Encoding (default `o200k_base`) and backend (default `gpt-tokenizer`).
 * @throws {@link ValidationError} naming the field if the encoding or backend is unknown.
 */
export function exactTokenizer(choice: TokenizerChoice = {}): UncachedCounting {
  const encoding = choice.encoding ?? DEFAULT_ENCODING;
  const backend = choice.backend ?? DEFAULT_BACKEND;
  const key = `${backend}/${encoding}`;
  let tokenizer = tokenizers.get(key);
  if (tokenizer === undefined) {
    const problems = tokenizerChoiceProblems(choice);
    if (problems.length > 0) throw new ValidationError(problems, 'tokenizer choice');
    tokenizer = new ExactTokenizer(encoding, backend);
    tokenizers.set(key, tokenizer);
  }
  return tokenizer;
}

/**
 * The tokenizer for an encoding and library, created once per thread and reused.
 *
 * @param choice - Encoding (default `o200k_base`) and backend (default `gpt-tokenizer`).
 * @throws {@link ValidationError} naming the field if the encoding or backend is unknown.
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
 * @throws {@link ValidationError} naming the field if the encoding or backend is unknown.
 */
export function countTokens(text: string, choice: TokenizerChoice = {}): number {
  return getTokenizer(choice).count(text);
}
