/**
 * Query-aware extractive compression of prose, docs and logs: the text is split into units (sentences, or
 * lines of a log, with repeated log lines merged), units are ranked by BM25 against the task description, and
 * the best are kept in their original order within the budget.
 *
 * @module
 */
import { Bm25, centralTerms } from './bm25.js';
import { DraftBuilder } from './draft.js';
import type { FieldCompression, FieldCompressionInput } from './field-compression.js';
import type { Span } from './outline.js';
import { truncateToBudget } from './truncate.js';

// The first fill aims this far below the budget, as estimates err both ways and trimming costs a recount.
const FIRST_FILL = 0.98;
// A second filling pass is worth its exact count only when at least this much of the budget is unused.
const REFILL_BELOW = 0.95;

/** A stretch of the text, as kept. */
interface TextUnit extends Span {
  /** The unit's text as kept; differs from the source only for merged log lines. */
  text: string;
  /** For a merged log line: the count mark and where it goes (before the line break). */
  mark?: { at: number; text: string };
}

// A sentence ends at . ! ? (and closing quotes or brackets) before spaces, or at a CJK full stop.
const SENTENCE_END = /[.!?]["'”’)\]]*[ \t]+(?=\S)|[。！？]/g;

function lines(text: string): Span[] {
  const spans: Span[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    spans.push({ start, end });
    start = end;
  }
  return spans;
}

/**
 * The sentences of a text, each line holding one or more; blank lines go with the sentence before them, as a
 * paragraph break costs next to nothing (a line break and a blank line are often one token) and a sentence
 * kept with it is a stretch the token map counted whole, so the draft needs no recount there.
 */
function sentences(text: string): Span[] {
  const spans: Span[] = [];
  for (const line of lines(text)) {
    let start = line.start;
    const content = text.slice(line.start, line.end);
    const last = spans[spans.length - 1];
    if (last !== undefined && content.trim() === '') {
      last.end = line.end;
      continue;
    }
    for (const match of content.matchAll(SENTENCE_END)) {
      const end = line.start + match.index + match[0].length;
      if (end < line.end) {
        spans.push({ start, end });
        start = end;
      }
    }
    spans.push({ start, end: line.end });
  }
  return spans;
}

// Timestamps and similar prefixes that differ between otherwise repeated log lines.
const LOG_PREFIX =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ][\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?\]?|\[?\d{2}:\d{2}:\d{2}[\d.,]*\]?)\s*/;

/** Log lines with repeats (ignoring timestamps) merged into the first occurrence, marked with a count. */
function mergeRepeatedLines(text: string): { units: TextUnit[]; merged: boolean } {
  const firstByKey = new Map<string, number>();
  const repeats: number[] = [];
  const kept: TextUnit[] = [];
  for (const { start, end } of lines(text)) {
    const line = text.slice(start, end);
    const key = line.replace(LOG_PREFIX, '').trimEnd();
    const first = key === '' ? undefined : firstByKey.get(key);
    if (first !== undefined) {
      repeats[first] = (repeats[first] ?? 1) + 1;
      continue;
    }
    if (key !== '') firstByKey.set(key, kept.length);
    kept.push({ start, end, text: line });
  }
  repeats.forEach((count, i) => {
    const unit = kept[i]!;
    const body = unit.text.replace(/\r?\n$/, '');
    const mark = { at: unit.start + body.length, text: ` [×${count}]` };
    unit.mark = mark;
    unit.text = `${body}${mark.text}${unit.text.slice(body.length)}`;
  });
  return { units: kept, merged: repeats.length > 0 };
}

/**
 * Compresses prose or a log to its budget.
 *
 * @param input - The text, its budget and the query.
 * @param kind - `prose` splits into sentences, `log` into lines with repeats merged.
 */
export function compressText(input: FieldCompressionInput, kind: 'prose' | 'log'): FieldCompression {
  const { text, map, budget, count } = input;
  const strategies: string[] = [];
  let units: TextUnit[];
  if (kind === 'log') {
    const deduped = mergeRepeatedLines(text);
    units = deduped.units;
    if (deduped.merged) strategies.push('log:dedupe');
  } else {
    units = sentences(text).map(({ start, end }) => ({ start, end, text: text.slice(start, end) }));
  }
  // Estimates: the unit's stretch from the map, and about three characters a token for a count mark.
  const unitTokens = units.map(
    (unit) => map.estimate(unit.start, unit.end) + (unit.mark === undefined ? 0 : unit.mark.text.length / 3),
  );

  const texts = units.map((unit) => unit.text);
  const ranker = new Bm25(texts, input.query.size > 0 ? input.query : centralTerms(texts, 20));
  // Ties (units with no query term) go to earlier units: openings tend to say what a text is about.
  const scores = units.map((_, i) => ranker.score(i) - i * 1e-9);
  // Blank units are never kept: they would only spend budget on spacing.
  const ranked = units
    .map((_, i) => i)
    .filter((i) => units[i]!.text.trim() !== '')
    .sort((a, b) => scores[b]! - scores[a]!);

  const kept = new Set<number>();
  let estimated = 0;
  const fill = (room: number): void => {
    for (const i of ranked) {
      const tokens = unitTokens[i]!;
      if (!kept.has(i) && estimated + tokens <= room) {
        kept.add(i);
        estimated += tokens;
      }
    }
  };
  // The kept units in order, counted exactly: afresh only around the gaps between them.
  const render = (): void => {
    const draft = new DraftBuilder(text);
    for (const i of [...kept].sort((a, b) => a - b)) {
      const { start, end, mark } = units[i]!;
      draft.copy(start, mark?.at ?? end);
      if (mark !== undefined) {
        draft.insert(mark.text);
        draft.copy(mark.at, end);
      }
    }
    const built = draft.build();
    result = built.text;
    tokens = map.countDraft(built, count);
  };

  const trim = (): void => {
    // Drop the lowest-ranked kept units worth the overshoot, then count again.
    while (tokens > budget && kept.size > 1) {
      let overshoot = tokens - budget;
      for (let r = ranked.length - 1; r >= 0 && overshoot > 0 && kept.size > 1; r--) {
        const i = ranked[r]!;
        if (kept.delete(i)) overshoot -= unitTokens[i]!;
      }
      render();
    }
  };

  fill(Math.floor(budget * FIRST_FILL));
  strategies.push(kind === 'log' ? 'log:bm25-extract' : 'prose:bm25-extract');
  let result = '';
  let tokens = 0;
  render();
  trim();
  if (tokens < budget * REFILL_BELOW) {
    // Estimates were high: use the room left with the next-ranked units.
    estimated = tokens;
    fill(budget);
    render();
    trim();
  }
  if (tokens > budget || kept.size === 0) {
    // Not even the best unit fits whole: keep its head.
    const best = kept.size === 0 ? (units[ranked[0] ?? 0]?.text ?? text) : result;
    const head = truncateToBudget(best, budget, count);
    return { ...head, strategies: [...strategies, 'truncate'] };
  }
  return { text: result, tokens, strategies };
}
