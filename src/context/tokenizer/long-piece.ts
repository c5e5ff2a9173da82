/**
 * Byte-pair merging of one long piece in O(n log n): the same merges as tiktoken (lowest rank first, leftmost
 * on ties), found with a heap instead of a scan of every pair after every merge.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { Encoding } from '../types.js';

const require = createRequire(import.meta.url);

/** Byte strings (one char per byte) to their merge rank. */
type RankTable = Map<string, number>;

const rankTables = new Map<Encoding, RankTable>();

function rankTable(encoding: Encoding): RankTable {
  let table = rankTables.get(encoding);
  if (table === undefined) {
    // gpt-tokenizer ships each encoding as an array indexed by rank of UTF-8 text or raw bytes.
    const loaded = require(`gpt-tokenizer/cjs/bpeRanks/${encoding}`) as { default?: unknown };
    const decoder = (loaded.default ?? loaded) as readonly (string | readonly number[] | undefined)[];
    table = new Map();
    decoder.forEach((token, rank) => {
      if (token === undefined) return;
      const bytes = typeof token === 'string' ? Buffer.from(token, 'utf8') : Buffer.from(token);
      table?.set(bytes.toString('latin1'), rank);
    });
    rankTables.set(encoding, table);
  }
  return table;
}

/** A candidate merge of the part starting at `start` with the part that ends at `end`. */
interface Candidate {
  rank: number;
  start: number;
  end: number;
}

function before(a: Candidate, b: Candidate): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.start < b.start);
}

class CandidateHeap {
  private readonly items: Candidate[] = [];

  push(item: Candidate): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * Counts the tokens of one pre-tokenizer piece of any length.
 *
 * @param piece - One piece, as cut by the encoding's pre-tokenizer.
 * @param encoding - The encoding whose merge ranks apply.
 */
export function countLongPiece(piece: string, encoding: Encoding): number {
  const ranks = rankTable(encoding);
  const bytes = Buffer.from(piece, 'utf8').toString('latin1');
  const n = bytes.length;
  if (n <= 1) return n;
  // Parts form a linked list over byte offsets; next[i] is where the part starting at i ends.
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new CandidateHeap();
  const consider = (start: number): void => {
    if (start < 0) return;
    const middle = next[start]!;
    if (middle >= n) return;
    const end = next[middle]!;
    const rank = ranks.get(bytes.slice(start, end));
    if (rank !== undefined) heap.push({ rank, start, end });
  };
  for (let i = 0; i + 1 < n; i++) consider(i);
  let parts = n;
  for (let candidate = heap.pop(); candidate !== undefined; candidate = heap.pop()) {
    const { start, end } = candidate;
    const middle = next[start]!;
    // Stale if either part changed since the candidate was pushed.
    if (!alive[start] || middle >= n || next[middle] !== end) continue;
    alive[middle] = 0;
    next[start] = end;
    if (end < n) prev[end] = start;
    parts--;
    consider(prev[start]!);
    consider(start);
  }
  return parts;
}
