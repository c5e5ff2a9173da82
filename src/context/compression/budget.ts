/**
 * Splits a token budget across compressible fields: each field gets a share proportional to its size, but at
 * least a floor, so small fields stay whole and large ones share the rest.
 *
 * @module
 */

/** Fields up to this many tokens are kept whole whenever the budget allows every field this much. */
export const FIELD_FLOOR_TOKENS = 64;

/** The largest x in [0, high] with f(x) <= target, for non-decreasing f. */
function solve(f: (x: number) => number, target: number, high: number): number {
  let low = 0;
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (f(middle) <= target) low = middle;
    else high = middle;
  }
  return low;
}

/** Rounds shares down and hands the tokens lost to rounding to the largest remainders. */
function toWholeTokens(shares: readonly number[], sizes: readonly number[], capacity: number): number[] {
  const whole = shares.map((share) => Math.floor(share));
  let left = capacity - whole.reduce((sum, share) => sum + share, 0);
  const byRemainder = shares
    .map((_, i) => i)
    .sort((a, b) => shares[b]! - whole[b]! - (shares[a]! - whole[a]!));
  for (const i of byRemainder) {
    if (left <= 0) break;
    if (whole[i]! < sizes[i]!) {
      whole[i]!++;
      left--;
    }
  }
  return whole;
}

/**
 * Token allowances for fields of the given sizes that add up to at most `capacity`.
 *
 * @param sizes - Each field's tokens.
 * @param capacity - Tokens available to all of them.
 * @returns Each field's allowance, never above its size.
 */
export function allocateBudget(sizes: readonly number[], capacity: number): number[] {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= capacity) return [...sizes];
  const largest = Math.max(...sizes);
  const floors = sizes.reduce((sum, size) => sum + Math.min(size, FIELD_FLOOR_TOKENS), 0);
  let shares: number[];
  if (floors >= capacity) {
    // Not even the floors fit: every field gets the same cap.
    const cap = solve(
      (level) => sizes.reduce((sum, size) => sum + Math.min(size, level), 0),
      capacity,
      largest,
    );
    shares = sizes.map((size) => Math.min(size, cap));
  } else {
    const share = (ratio: number, size: number): number =>
      Math.min(size, Math.max(FIELD_FLOOR_TOKENS, ratio * size));
    const ratio = solve((r) => sizes.reduce((sum, size) => sum + share(r, size), 0), capacity, 1);
    shares = sizes.map((size) => share(ratio, size));
  }
  return toWholeTokens(shares, sizes, capacity);
}
