/**
 * Compresses source code in steps, each only if the previous left it over budget: strip comments, blank lines
 * and repeated lines; fold function bodies to their signatures, largest and least relevant first; fold large
 * literal values; drop non-exported top-level declarations; fold type definitions to their names; truncate.
 *
 * @module
 */
import { Bm25 } from './bm25.js';
import { outlineCode } from './code-outline.js';
import { type Draft, DraftBuilder } from './draft.js';
import type { FieldCompression, FieldCompressionInput } from './field-compression.js';
import type { CodeLanguage } from './field-kind.js';
import type { CodeOutline, Span } from './outline.js';
import { truncateToBudget } from './truncate.js';

// Tidying (blank lines, trailing spaces) saves a little more than the estimate knows of.
const SLACK = 1.05;

// Undoing the last folds is worth an exact count only when at least this much of the budget is unused.
const REFINE_BELOW = 0.97;

interface Edit extends Span {
  replacement: string;
}

interface Removal extends Edit {
  /** Estimated tokens saved by this edit alone, on the original text. */
  saves: number;
}

/**
 * The outermost edits applied so far, in document order, each with the tokens it and the edits inside it
 * save. Edits are nested or disjoint (they are syntax nodes), so what an edit adds is its own estimate less
 * what the edits inside it already saved: folding a body whose comments are gone saves only the rest.
 */
class AppliedEdits {
  private readonly spans: { start: number; end: number; saved: number }[] = [];

  /**
   * Records an edit and returns the tokens it adds to what earlier edits saved, or undefined if it lies
   * inside one of them, which makes it moot.
   */
  add(removal: Removal): number | undefined {
    const { spans } = this;
    // First span ending after the edit starts: the only one that can contain it or be contained in it first.
    let low = 0;
    let high = spans.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (spans[middle]!.end <= removal.start) low = middle + 1;
      else high = middle;
    }
    const first = spans[low];
    if (first !== undefined && first.start <= removal.start && first.end >= removal.end) return undefined;
    let inside = 0;
    let last = low;
    while (last < spans.length && spans[last]!.end <= removal.end) inside += spans[last++]!.saved;
    spans.splice(low, last - low, { start: removal.start, end: removal.end, saved: removal.saves });
    return removal.saves - inside;
  }
}

function applyEdits(text: string, edits: readonly Edit[]): Draft {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const draft = new DraftBuilder(text);
  let cursor = 0;
  for (const edit of sorted) {
    // An edit inside one already applied (a comment inside a folded body) is moot.
    if (edit.start < cursor) continue;
    draft.copy(cursor, edit.start);
    draft.insert(edit.replacement);
    cursor = edit.end;
  }
  draft.copy(cursor, text.length);
  return draft.build();
}

const WORTH_COLLAPSING = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/** Drops blank lines and trailing spaces, and writes a run of identical lines once with a count. */
function tidyLines(edited: Draft, commentMarker: string): { draft: Draft; collapsed: boolean } {
  const { text } = edited;
  const draft = new DraftBuilder(text, edited.origin);
  let collapsed = false;
  // The line to write next: its stretch, the newline after it, and how often it occurs in a row.
  let previous: string | undefined;
  let start = 0;
  let end = 0;
  let newline = -1;
  let repeats = 0;
  // The newline after the last line written, which goes before the next one.
  let separator = -1;
  const flush = (): void => {
    if (previous === undefined) return;
    if (separator >= 0) draft.copy(separator, separator + 1);
    draft.copy(start, end);
    if (repeats > 1) draft.insert(` ${commentMarker} ×${repeats}`);
    collapsed ||= repeats > 1;
    separator = newline;
  };
  for (let lineStart = 0; lineStart <= text.length; ) {
    const found = text.indexOf('\n', lineStart);
    const lineEnd = found === -1 ? text.length : found;
    let trimmed = lineEnd;
    while (trimmed > lineStart && SPACE.test(text[trimmed - 1]!)) trimmed--;
    if (trimmed > lineStart) {
      const line = text.slice(lineStart, trimmed);
      if (line === previous && WORTH_COLLAPSING.test(line)) {
        repeats++;
      } else {
        flush();
        previous = line;
        start = lineStart;
        end = trimmed;
        newline = lineEnd;
        repeats = 1;
      }
    }
    lineStart = lineEnd + 1;
  }
  flush();
  return { draft: draft.build(), collapsed };
}

/**
 * Orders spans by size per unit of relevance to the query, the most worthwhile to remove first.
 *
 * @param relevanceOf - The stretch whose words judge a span's relevance (a body's whole function).
 */
function byWorth<T extends Span>(
  text: string,
  spans: readonly T[],
  query: ReadonlySet<string>,
  relevanceOf: (span: T) => Span = (span) => span,
): T[] {
  let relevance = (_: number): number => 0;
  if (query.size > 0) {
    const ranker = new Bm25(
      spans.map((span) => text.slice(relevanceOf(span).start, relevanceOf(span).end)),
      query,
    );
    relevance = (i) => ranker.score(i);
  }
  const worth = spans.map((span, i) => (span.end - span.start) / (1 + relevance(i)));
  return spans
    .map((_, i) => i)
    .sort((a, b) => worth[b]! - worth[a]! || a - b)
    .map((i) => spans[i]!);
}

/** Accumulates edits, estimating their effect and checking the rendered text exactly when it may fit. */
class CodeCompressor {
  private readonly edits: Edit[] = [];
  // Folds and drops, in the order made (comment stripping is not undone).
  private readonly stepEdits: { edit: Edit; saves: number }[] = [];
  private readonly applied = new AppliedEdits();
  private readonly strategies: string[] = [];
  private estimated: number;
  // Exact count over estimate, learnt from each exact count.
  private correction = 1;
  private rendered: string;
  private stale = true;
  /** The compressed text once it fits. */
  result: FieldCompression | undefined;

  constructor(
    private readonly input: FieldCompressionInput,
    private readonly language: CodeLanguage,
  ) {
    this.estimated = input.map.total;
    this.rendered = input.text;
  }

  /** Applies all removals at once; checks exactly only if the estimate says the text may now fit. */
  applyAll(strategy: string, removals: readonly Removal[]): void {
    for (const removal of removals) this.add(removal);
    if (removals.length > 0) this.strategies.push(strategy);
    if (this.mayFit()) this.check();
  }

  /**
   * Applies removals in order until the text fits, checking exactly whenever the estimate says it may. The
   * removals are planned only if the text does not fit yet.
   */
  applyUntilFits(strategy: string, plan: () => readonly Removal[]): void {
    if (this.result !== undefined) return;
    const removals = plan();
    let next = 0;
    while (this.result === undefined && next < removals.length) {
      const target = this.input.budget / this.correction;
      do {
        const removal = removals[next++]!;
        const saves = this.add(removal);
        if (saves !== undefined) this.stepEdits.push({ edit: removal, saves });
      } while (next < removals.length && this.estimated > target);
      if (!this.strategies.includes(strategy)) this.strategies.push(strategy);
      // Out of removals and still well over: the next step's count will tell.
      if (this.mayFit()) this.check();
    }
  }

  private mayFit(): boolean {
    return this.estimated * this.correction <= this.input.budget * SLACK;
  }

  /** The compressed text, cut to the budget as the last resort if nothing else made it fit. */
  finish(): FieldCompression {
    if (this.result !== undefined) return this.refine(this.result);
    if (this.stale) this.check();
    if (this.result !== undefined) return this.result;
    const head = truncateToBudget(this.rendered, this.input.budget, this.input.count);
    return { ...head, strategies: [...this.strategies, 'truncate'] };
  }

  /**
   * Gives back room left by the last steps: undoes the most recent folds or drops (the most relevant of those
   * made) that the unused budget can pay for, if the exact count agrees.
   */
  private refine(fitting: FieldCompression): FieldCompression {
    let room = (this.input.budget - fitting.tokens) / this.correction;
    if (room < this.input.budget * (1 - REFINE_BELOW)) return fitting;
    const undone = new Set<Edit>();
    for (let i = this.stepEdits.length - 1; i >= 0 && room > 0; i--) {
      const { edit, saves } = this.stepEdits[i]!;
      if (saves <= room) {
        undone.add(edit);
        room -= saves;
      }
    }
    if (undone.size === 0) return fitting;
    const { text, tokens } = this.render(this.edits.filter((edit) => !undone.has(edit)));
    return tokens <= this.input.budget && tokens > fitting.tokens ? { ...fitting, text, tokens } : fitting;
  }

  /** The text with the edits applied and tidied, and its exact count. */
  private render(edits: readonly Edit[]): { text: string; tokens: number; collapsed: boolean } {
    const { text, map, count } = this.input;
    const tidy = tidyLines(applyEdits(text, edits), this.language === 'python' ? '#' : '//');
    return { text: tidy.draft.text, tokens: map.countDraft(tidy.draft, count), collapsed: tidy.collapsed };
  }

  /** Applies a removal; returns the tokens it saves, or undefined if an earlier edit made it moot. */
  private add(removal: Removal): number | undefined {
    const saves = this.applied.add(removal);
    if (saves === undefined) return undefined;
    this.stale = true;
    this.edits.push(removal);
    this.estimated -= saves;
    return saves;
  }

  private check(): void {
    const { text, tokens, collapsed } = this.render(this.edits);
    if (collapsed && !this.strategies.includes('code:collapse-repeats')) {
      this.strategies.push('code:collapse-repeats');
    }
    this.rendered = text;
    this.stale = false;
    this.correction = tokens / Math.max(1, this.estimated);
    if (tokens <= this.input.budget) this.result = { text, tokens, strategies: [...this.strategies] };
  }
}

/**
 * Compresses one source file to its budget.
 *
 * @param input - The file, its budget and the query.
 * @param language - Its language, which picks the grammar.
 */
export async function compressCode(
  input: FieldCompressionInput,
  language: CodeLanguage,
): Promise<FieldCompression> {
  const { text, map, query } = input;
  const outline: CodeOutline = await outlineCode(text, language);
  const compressor = new CodeCompressor(input, language);
  const removal = ({ start, end }: Span, replacement: string): Removal => ({
    start,
    end,
    replacement,
    saves: map.estimate(start, end) - (replacement === '' ? 0 : 2),
  });

  compressor.applyAll(
    'code:strip-comments',
    outline.comments.map((span) => removal(span, '')),
  );

  compressor.applyUntilFits('code:fold-bodies', () =>
    byWorth(text, outline.bodies, query, (body) => body.owner).map((body) => removal(body, body.placeholder)),
  );
  compressor.applyUntilFits('code:fold-values', () =>
    byWorth(text, outline.literals, query).map((literal) => removal(literal, literal.placeholder)),
  );
  compressor.applyUntilFits('code:drop-declarations', () =>
    byWorth(text, outline.droppable, query).map((declaration) => removal(declaration, '')),
  );
  compressor.applyUntilFits('code:fold-types', () =>
    byWorth(text, outline.types, query).map((definition) => removal(definition, definition.placeholder)),
  );

  return compressor.finish();
}
