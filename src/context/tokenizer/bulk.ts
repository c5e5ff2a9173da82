/**
 * Counting many or large texts on a pool of worker threads. Texts are cut at safe piece boundaries into parts,
 * which the workers claim one at a time from shared memory as the main thread writes them (see
 * `shared-parts`): work spreads evenly even when one core runs slower, and each worker takes one message per
 * call.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ValidationError } from '../../errors.js';
import { workerUrl } from '../../execution/worker-url.js';
import { tokenizerChoiceProblems } from '../settings-problems.js';
import type { TokenizerChoice } from '../types.js';
import { cutAtSafeBoundaries } from './pieces.js';
import { allocateSharedParts, partResults, publishParts, type SharedParts } from './shared-parts.js';

/** One message to `workers/token-worker`: parts to claim and count with one tokenizer. */
export interface TokenCountJob extends TokenizerChoice {
  /** The parts; the worker stores each count it makes with them. */
  parts: SharedParts;
}

/** Options of {@link TokenCountPool} and {@link countTokensBulk}. */
export interface BulkCountOptions extends TokenizerChoice {
  /** Worker threads; default the machine's available parallelism. */
  workers?: number;
}

// A part this long takes 1–3 ms to count: long enough to dwarf claiming it, short enough that the last one
// leaves the other threads idle only briefly.
const PART_LENGTH = 64 * 1024;

/** A pool of token-counting worker threads, for callers that count repeatedly. Close it when done. */
export class TokenCountPool {
  private readonly pool: Piscina<TokenCountJob, void>;
  private readonly choice: TokenizerChoice;
  private readonly workers: number;
  /** Shared bytes of the last call, reused by the next one that fits. */
  private spare: SharedArrayBuffer | undefined;

  /**
   * @param options - Tokenizer and number of workers.
   * @throws {@link ValidationError} listing every bad option.
   */
  constructor(options: BulkCountOptions = {}) {
    const problems = tokenizerChoiceProblems(options);
    const { workers } = options;
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
      problems.push({ field: 'workers', message: `must be a positive integer, got ${String(workers)}` });
    }
    if (problems.length > 0) throw new ValidationError(problems, 'bulk count options');
    this.workers = workers ?? availableParallelism();
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
    const parts: string[] = [];
    const owners: number[] = [];
    texts.forEach((text, owner) => {
      for (const part of cutAtSafeBoundaries(text, PART_LENGTH)) {
        parts.push(part);
        owners.push(owner);
      }
    });
    const shared = allocateSharedParts(parts, this.spare);
    this.spare = undefined;
    // Every worker starts claiming now, while the parts are written.
    const claims = Array.from({ length: this.workers }, () =>
      this.pool.run({ ...this.choice, parts: shared }),
    );
    // Heard at once, so that a claim failing while the parts are written is not an unhandled rejection.
    const settling = Promise.allSettled(claims);
    publishParts(shared, parts);
    const settled = await settling;
    // Only now is no worker reading the bytes.
    this.keepSpare(shared.bytes);
    for (const claim of settled) if (claim.status === 'rejected') throw claim.reason;
    const counts = new Array<number>(texts.length).fill(0);
    partResults(shared).forEach((count, part) => {
      const owner = owners[part]!;
      counts[owner] = counts[owner]! + count;
    });
    return counts;
  }

  /** Keeps the larger of `bytes` and the spare bytes kept already (calls may overlap). */
  private keepSpare(bytes: SharedArrayBuffer): void {
    if (this.spare === undefined || bytes.byteLength > this.spare.byteLength) this.spare = bytes;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    this.spare = undefined;
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
 * @throws {@link ValidationError} listing every bad option.
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
