/**
 * The bench's unit of real CPU work, also used by the test fixtures (test/fixtures/agents/burn.js
 * re-exports this compiled file). It imports nothing, so any worker thread can load it cheaply.
 *
 * @module
 */

/**
 * Real CPU work: `iterations` rounds of xorshift32, returning the final state so nothing can be skipped.
 *
 * @param iterations - Rounds to run; about 10⁵–10⁶ per millisecond on current machines.
 * @param seed - Starting state; 0 is replaced by 1, since xorshift stays at 0 forever.
 * @returns The final state as an unsigned 32-bit number.
 */
export function burn(iterations: number, seed = 0x9e3779b9): number {
  let x = seed | 0 || 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}
