/**
 * A bounded least-recently-used cache of token counts keyed by a content hash, so that repeated content
 * (the same file in many tasks' contexts) is counted once per thread.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** Texts shorter than this are counted afresh: counting them costs about as much as hashing them. */
export const CACHE_FROM_LENGTH = 512;

/** Hits and misses since the cache was created or cleared. */
export interface CountCacheStats {
  /** Lookups that found a count. */
  hits: number;
  /** Lookups that did not. */
  misses: number;
  /** Entries held. */
  size: number;
}

/** A least-recently-used map from text to token count. */
export class CountCache {
  private readonly entries = new Map<string, number>();
  private hits = 0;
  private misses = 0;

  /** @param capacity - Entries kept; the least recently used is evicted beyond this. */
  constructor(private readonly capacity: number) {}

  /** The key a text is stored under: its length and SHA-1 (long strings make slow map keys in V8). */
  static keyOf(text: string): string {
    return `${text.length}:${createHash('sha1').update(text).digest('base64')}`;
  }

  /** The count stored under `key`, refreshing it as most recently used. */
  get(key: string): number | undefined {
    const count = this.entries.get(key);
    if (count === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, count);
    return count;
  }

  /** Stores a count, evicting the least recently used entry when full. */
  set(key: string, count: number): void {
    this.entries.delete(key);
    this.entries.set(key, count);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Hits, misses and size. */
  stats(): CountCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }

  /** Forgets every entry and resets the statistics. */
  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
