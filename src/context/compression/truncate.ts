/**
 * The last resort when no other strategy brings a text within budget: keep its head.
 *
 * @module
 */
import type { CountTokens } from '../tokenizer/tokenizer.js';

/**
 * The longest head of `text` that fits in `budget` tokens, cut at a line end where possible.
 *
 * @param text - The text.
 * @param budget - Tokens allowed.
 * @param count - Counts exactly.
 * @returns The head and its exact token count.
 */
export function truncateToBudget(
  text: string,
  budget: number,
  count: CountTokens,
): { text: string; tokens: number } {
  const total = count(text);
  if (total <= budget) return { text, tokens: total };
  // Binary search for a long head within budget, starting from the proportional guess with some slack.
  let low = 0;
  let high = Math.min(text.length, Math.ceil((text.length * budget * 1.5) / total) + 64);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (count(text.slice(0, middle)) <= budget) low = middle;
    else high = middle - 1;
  }
  if (/[\uD800-\uDBFF]/.test(text[low - 1] ?? '')) low--;
  const lineEnd = text.lastIndexOf('\n', low - 1) + 1;
  if (lineEnd > low / 2) {
    const lines = text.slice(0, lineEnd);
    const tokens = count(lines);
    if (tokens <= budget) return { text: lines, tokens };
  }
  const head = text.slice(0, low);
  return { text: head, tokens: count(head) };
}
