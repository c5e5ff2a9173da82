/**
 * Counting many or large texts on a pool of worker threads. Texts are cut at safe piece boundaries and packed
 * into batches of similar size, so that work spreads evenly and messages stay few.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { workerUrl } from '../../execution/worker-url.js';
import type { TokenizerChoice } from '../types.js';
import { cutAtSafeBoundaries } from './pieces.js';

/** One message to `workers/token-worker`: texts to count with one tokenizer. */
export interface TokenCountBatch extends TokenizerChoice {
  /** The texts; the worker answers with their counts in the same order. */
  texts: string[];
}

/** Options of {@link TokenCountPool} and {@link countTokensBulk}. */
export interface BulkCountOptions extends TokenizerChoice {
  /** Worker threads; default the machine's available parallelism. */
  workers?: number;
}

// Parts this long cost about 10 ms to count: long enough to dwarf messaging, short enough to balance.
const PART_LENGTH = 64 * 1024;
const BATCHES_PER_WORKER = 4;

/** A pool of token-counting worker threads, for callers that count repeatedly. Close it when done. */
export class TokenCountPool {
  private readonly pool: Piscina<TokenCountBatch, number[]>;
  private readonly choice: TokenizerChoice;
  private readonly workers: number;

  /** @param options - Tokenizer and number of workers. */
  constructor(options: BulkCountOptions = {}) {
    this.workers = Math.max(1, options.workers ?? availableParallelism());
    this.choice = {
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    };
    this.pool = new Piscina({
      filename: workerUrl('token-worker').href,
      minThreads: this.workers,
      maxThreads: this.workers,
    });
  }

  /**
   * Counts the tokens of each text exactly.
   *
   * @param texts - The texts.
   * @returns Their counts, in the same order.
   */
  async count(texts: readonly string[]): Promise<number[]> {
    const parts: { text: string; owner: number }[] = [];
    texts.forEach((text, owner) => {
      for (const part of cutAtSafeBoundaries(text, PART_LENGTH)) parts.push({ text: part, owner });
    });
    const total = parts.reduce((sum, part) => sum + part.text.length, 0);
    const batchLength = Math.max(PART_LENGTH, Math.ceil(total / (this.workers * BATCHES_PER_WORKER)));
    const batches: { texts: string[]; owners: number[] }[] = [];
    let current: { texts: string[]; owners: number[]; length: number } | undefined;
    for (const part of parts) {
      if (current === undefined || current.length >= batchLength) {
        current = { texts: [], owners: [], length: 0 };
        batches.push(current);
      }
      current.texts.push(part.text);
      current.owners.push(part.owner);
      current.length += part.text.length;
    }
    const counts = new Array<number>(texts.length).fill(0);
    await Promise.all(
      batches.map(async (batch) => {
        const batchCounts = await this.pool.run({ ...this.choice, texts: batch.texts });
        batchCounts.forEach((count, i) => {
          const owner = batch.owners[i]!;
          counts[owner] = counts[owner]! + count;
        });
      }),
    );
    return counts;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * Counts the tokens of many texts on worker threads; the same counts as {@link countTokens}, sooner for bulk
 * input. Starts a pool and stops it again: for repeated use keep a {@link TokenCountPool}.
 *
 * @param texts - The texts.
 * @param options - Tokenizer and number of workers.
 * @returns Their counts, in the same order.
 */
export async function countTokensBulk(
  texts: readonly string[],
  options: BulkCountOptions = {},
): Promise<number[]> {
  const pool = new TokenCountPool(options);
  try {
    return await pool.count(texts);
  } finally {
    await pool.close();
  }
}
