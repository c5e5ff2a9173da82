/**
 * A bounded least-recently-used cache keyed by content hash, so that repeated content (the same file in many
 * tasks' contexts) is measured once per thread.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** Hits and misses since a cache was created or cleared. */
export interface CacheStats {
  /** Lookups that found an entry. */
  hits: number;
  /** Lookups that did not. */
  misses: number;
  /** Entries held. */
  size: number;
}

/**
 * The key to cache a text under: its length and SHA-1 (long strings make slow map keys in V8, and hashing
 * 1 MB takes about a millisecond, a hundredth of counting it).
 *
 * @param text - Any text.
 */
export function contentKey(text: string): string {
  return `${text.length}:${createHash('sha1').update(text).digest('base64')}`;
}

/** A least-recently-used map. */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  private hits = 0;
  private misses = 0;

  /** @param capacity - Entries kept; the least recently used is evicted beyond this. */
  constructor(private readonly capacity: number) {}

  /** The value stored under `key`, refreshing it as most recently used. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores a value, evicting the least recently used entry when full. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Hits, misses and size. */
  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }

  /** Forgets every entry and resets the statistics. */
  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
