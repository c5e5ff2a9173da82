/**
 * Parts of texts handed to worker threads through shared memory. The main thread writes the parts one after
 * another and publishes each as it goes; workers claim the next unclaimed part with an atomic counter. So counting
 * starts with the first part written, a faster thread takes more parts, and no thread waits for the main thread
 * (busy or collecting garbage) to hand out work. Parts that fit one byte per character travel as Latin-1, the
 * others as UTF-16.
 *
 * @module
 */
import { fitsOneByte } from './one-byte.js';

/** Slots of {@link SharedParts.control}. */
const NEXT_PART = 0;
const PUBLISHED_PARTS = 1;

/** Published parts when the writer has given up: claimants stop. */
const ABANDONED = -1;

/** Parts in shared memory, as every worker receives them. */
export interface SharedParts {
  /** The parts' characters, one part after another. */
  readonly bytes: SharedArrayBuffer;
  /** Where each part starts in `bytes`, and where the last one ends (Float64, one more than the parts). */
  readonly offsets: SharedArrayBuffer;
  /** 1 for each part stored as UTF-16, 0 for one stored as Latin-1 (Uint8). */
  readonly wide: SharedArrayBuffer;
  /** Each part's result, written by the worker that claims it (Float64). */
  readonly results: SharedArrayBuffer;
  /** The next part to claim and the parts published so far (Int32). */
  readonly control: SharedArrayBuffer;
}

/**
 * Shared memory for `parts`, not yet written (see {@link publishParts}).
 *
 * @param parts - The parts.
 * @param spare - Bytes of an earlier call to reuse if large enough: fresh memory costs a page fault per 4 KiB
 *   on first write, about 1 ms per MB.
 */
export function allocateSharedParts(parts: readonly string[], spare?: SharedArrayBuffer): SharedParts {
  // Two bytes per character at most.
  const capacity = 2 * parts.reduce((sum, part) => sum + part.length, 0);
  return {
    bytes: spare !== undefined && spare.byteLength >= capacity ? spare : new SharedArrayBuffer(capacity),
    offsets: new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (parts.length + 1)),
    wide: new SharedArrayBuffer(parts.length),
    results: new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * parts.length),
    control: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * 2),
  };
}

/**
 * Writes the parts into their shared memory and publishes each as soon as it is written; if writing fails,
 * tells the claimants to stop before rethrowing.
 *
 * @param shared - Memory from {@link allocateSharedParts} for these parts.
 * @param parts - The parts.
 */
export function publishParts(shared: SharedParts, parts: readonly string[]): void {
  const bytes = Buffer.from(shared.bytes);
  const offsets = new Float64Array(shared.offsets);
  const wide = new Uint8Array(shared.wide);
  const control = new Int32Array(shared.control);
  try {
    let end = 0;
    parts.forEach((part, index) => {
      const oneByte = fitsOneByte(part);
      end += bytes.write(part, end, oneByte ? 'latin1' : 'utf16le');
      wide[index] = oneByte ? 0 : 1;
      offsets[index + 1] = end;
      Atomics.store(control, PUBLISHED_PARTS, index + 1);
      Atomics.notify(control, PUBLISHED_PARTS);
    });
  } catch (error) {
    Atomics.store(control, PUBLISHED_PARTS, ABANDONED);
    Atomics.notify(control, PUBLISHED_PARTS);
    throw error;
  }
}

/**
 * Claims parts one at a time until none is left, waiting for each to be published, and stores `measure`'s
 * result for each. Returns early if the writer gives up. For worker threads: it blocks while it waits.
 *
 * @param shared - The parts, as received from the main thread.
 * @param measure - Computes a part's result.
 */
export function claimParts(shared: SharedParts, measure: (part: string) => number): void {
  const bytes = Buffer.from(shared.bytes);
  const offsets = new Float64Array(shared.offsets);
  const wide = new Uint8Array(shared.wide);
  const results = new Float64Array(shared.results);
  const control = new Int32Array(shared.control);
  for (
    let part = Atomics.add(control, NEXT_PART, 1);
    part < wide.length;
    part = Atomics.add(control, NEXT_PART, 1)
  ) {
    for (let published = Atomics.load(control, PUBLISHED_PARTS); published <= part; ) {
      if (published === ABANDONED) return;
      Atomics.wait(control, PUBLISHED_PARTS, published);
      published = Atomics.load(control, PUBLISHED_PARTS);
    }
    const text = bytes.toString(wide[part] === 1 ? 'utf16le' : 'latin1', offsets[part], offsets[part + 1]);
    results[part] = measure(text);
  }
}

/**
 * The results the claimants stored, by part.
 *
 * @param shared - Parts whose claimants have all returned.
 */
export function partResults(shared: SharedParts): Float64Array {
  return new Float64Array(shared.results);
}
