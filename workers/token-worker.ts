/**
 * Worker entry for bulk token counting: claims parts from shared memory and counts each with the thread's
 * cached tokenizer, until none is left.
 *
 * @module
 */
import type { TokenCountJob } from '../src/context/tokenizer/bulk.js';
import { claimParts } from '../src/context/tokenizer/shared-parts.js';
import { getTokenizer } from '../src/context/tokenizer/tokenizer.js';

/**
 * Counts parts of a job until all are claimed, storing each count in the job's shared memory.
 *
 * @param job - The parts and the tokenizer choice.
 */
export default function countClaimedParts(job: TokenCountJob): void {
  const tokenizer = getTokenizer(job);
  claimParts(job.parts, (part) => tokenizer.count(part));
}
