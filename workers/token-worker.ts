/**
 * Worker entry for bulk token counting: counts one batch of texts with the thread's cached tokenizer.
 *
 * @module
 */
import type { TokenCountBatch } from '../src/context/tokenizer/bulk.js';
import { getTokenizer } from '../src/context/tokenizer/tokenizer.js';

/**
 * Counts each text of a batch.
 *
 * @param batch - Texts and tokenizer choice.
 * @returns The counts, in order.
 */
export default function countBatch(batch: TokenCountBatch): number[] {
  const tokenizer = getTokenizer(batch);
  return batch.texts.map((text) => tokenizer.count(text));
}
