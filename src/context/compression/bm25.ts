/**
 * Okapi BM25 relevance of text units (sentences, lines, declarations) to a query such as a task description.
 *
 * @module
 */

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so than that the their them then there these they this to was we were what ' +
    'when where which who whom why will with would you your'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+/gu;
const HAS_CAMEL_CASE = /\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u;
const CAMEL_CASE_PART = /\p{Lu}?[\p{Ll}\p{N}]+|\p{Lu}+(?!\p{Ll})/gu;

/**
 * The search terms of a text: lower-cased words and identifier parts (`parseHTTPResponse` gives `parse`,
 * `http`, `response`), without stopwords and one-letter words.
 *
 * @param text - Any text.
 */
export function terms(text: string): string[] {
  const found: string[] = [];
  const keep = (term: string): void => {
    if (term.length > 1 && !STOPWORDS.has(term)) found.push(term);
  };
  for (const word of text.match(WORD) ?? []) {
    const lower = word.toLowerCase();
    // Only words with a capital after their first letter can be camel case; most words are cheaper to test so.
    if (word.length > 2 && word.slice(1) !== lower.slice(1) && HAS_CAMEL_CASE.test(word)) {
      for (const part of word.match(CAMEL_CASE_PART) ?? [word]) keep(part.toLowerCase());
    } else {
      keep(lower);
    }
  }
  return found;
}

const K1 = 1.2;
const B = 0.75;

/** Scores documents of one collection against queries. */
export class Bm25 {
  private readonly frequencies: Map<string, number>[];
  private readonly lengths: number[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  /** @param documents - Each document's terms, as {@link terms} gives them. */
  constructor(documents: readonly (readonly string[])[]) {
    this.frequencies = documents.map((document) => {
      const counts = new Map<string, number>();
      for (const term of document) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const term of counts.keys())
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      return counts;
    });
    this.lengths = documents.map((document) => document.length);
    this.averageLength = Math.max(
      1,
      this.lengths.reduce((sum, length) => sum + length, 0) / documents.length,
    );
  }

  /**
   * The BM25 score of one document for the query.
   *
   * @param query - Query terms (duplicates count once).
   * @param index - The document's position in the collection.
   */
  score(query: ReadonlySet<string>, index: number): number {
    const counts = this.frequencies[index];
    if (counts === undefined) return 0;
    const n = this.frequencies.length;
    const lengthNorm = K1 * (1 - B + (B * this.lengths[index]!) / this.averageLength);
    let score = 0;
    for (const term of query) {
      const tf = counts.get(term);
      if (tf === undefined) continue;
      const df = this.documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * tf * (K1 + 1)) / (tf + lengthNorm);
    }
    return score;
  }

  /**
   * Query terms to use when there is no query: the collection's most frequent terms, so that units central
   * to the text rank first.
   *
   * @param size - How many terms.
   */
  centralTerms(size: number): Set<string> {
    const totals = new Map<string, number>();
    for (const counts of this.frequencies) {
      for (const [term, count] of counts) totals.set(term, (totals.get(term) ?? 0) + count);
    }
    const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new Set(ranked.slice(0, size).map(([term]) => term));
  }
}
