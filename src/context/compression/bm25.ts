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
const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const HAS_CAMEL_CASE = /\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u;
const CAMEL_CASE_PART = /\p{Lu}?[\p{Ll}\p{N}]+|\p{Lu}+(?!\p{Ll})/gu;

const IN_WORD = 1;
const NOT_IN_WORD = 2;
// Whether each UTF-16 unit of the Basic Multilingual Plane is a letter or digit: ASCII filled in now, the rest
// as met (0: not yet known). Testing a regular expression per character would cost more than the rest.
const wordUnits = new Uint8Array(0x10000);
for (let code = 0; code < 128; code++) {
  const lower = code | 32;
  const alphanumeric = (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57);
  wordUnits[code] = alphanumeric ? IN_WORD : NOT_IN_WORD;
}

function isInWord(code: number): boolean {
  let known = wordUnits[code]!;
  if (known === 0) {
    known = WORD_CHARACTER.test(String.fromCharCode(code)) ? IN_WORD : NOT_IN_WORD;
    wordUnits[code] = known;
  }
  return known === IN_WORD;
}

/** Passes each term of one word to `visit`. */
function wordTerms(word: string, visit: (term: string) => void): void {
  const lower = word.toLowerCase();
  // Only words with a capital after their first letter can be camel case.
  const parts =
    word.length > 2 && word.slice(1) !== lower.slice(1) && HAS_CAMEL_CASE.test(word)
      ? (word.match(CAMEL_CASE_PART) ?? [word]).map((part) => part.toLowerCase())
      : [lower];
  for (const term of parts) keepTerm(term, visit);
}

function keepTerm(term: string, visit: (term: string) => void): void {
  if (term.length > 1 && !STOPWORDS.has(term)) visit(term);
}

const isUpper = (code: number): boolean => code >= 65 && code <= 90;
const isLower = (code: number): boolean => code >= 97 && code <= 122;
const isLowerOrDigit = (code: number): boolean => isLower(code) || (code >= 48 && code <= 57);

/**
 * Passes the term of the ASCII word `text.slice(start, end)` to `visit`, lower-cased if `fold`, as
 * {@link keepTerm} would; or, if `seen` need not see it, only counts it, without slicing it out.
 *
 * @returns 1 if the term was counted unseen, else 0.
 */
function keepAsciiTerm(
  text: string,
  start: number,
  end: number,
  visit: (term: string) => void,
  seen: SeenTerms | undefined,
  fold = true,
): number {
  if (end - start <= 1) return 0;
  if (seen !== undefined && !seen.has(end - start, lowerCodeAt(text, start))) return 1;
  const word = text.slice(start, end);
  keepTerm(fold ? word.toLowerCase() : word, visit);
  return 0;
}

/**
 * {@link wordTerms} for the ASCII word `text.slice(start, end)`, which has a capital after its first letter,
 * without regular expressions.
 *
 * @returns How many of its terms were counted unseen (see {@link keepAsciiTerm}).
 */
function asciiWordTerms(
  text: string,
  start: number,
  end: number,
  visit: (term: string) => void,
  seen: SeenTerms | undefined,
): number {
  let camel = false;
  for (let i = start; i + 1 < end && !camel; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    camel =
      (isLower(code) && isUpper(next)) ||
      (isUpper(code) && isUpper(next) && i + 2 < end && isLower(text.charCodeAt(i + 2)));
  }
  if (end - start <= 2 || !camel) return keepAsciiTerm(text, start, end, visit, seen);
  let unseen = 0;
  // The parts CAMEL_CASE_PART matches: a capital with lower case or digits after it, a run of capitals not
  // followed by lower case, or a run of lower case and digits.
  for (let partStart = start; partStart < end; ) {
    let partEnd = partStart + 1;
    if (!isUpper(text.charCodeAt(partStart)) || (partEnd < end && isLowerOrDigit(text.charCodeAt(partEnd)))) {
      while (partEnd < end && isLowerOrDigit(text.charCodeAt(partEnd))) partEnd++;
    } else {
      while (partEnd < end && isUpper(text.charCodeAt(partEnd))) partEnd++;
      if (partEnd < end && isLower(text.charCodeAt(partEnd))) partEnd--;
    }
    unseen += keepAsciiTerm(text, partStart, partEnd, visit, seen);
    partStart = partEnd;
  }
  return unseen;
}

const isSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdfff;

/** The ASCII letter or digit at `at`, lower-cased. */
const lowerCodeAt = (text: string, at: number): number => {
  const code = text.charCodeAt(at);
  return isUpper(code) ? code | 32 : code;
};

// Word lengths a SeenTerms tells apart; longer ones share the last flag.
const SEEN_LENGTHS = 32;

/**
 * Which terms a reader of a text's terms needs to see: those an ASCII term of some length and first letter may
 * be. Other ASCII terms are only counted, unsliced.
 */
class SeenTerms {
  // One flag per length (capped) and lower-cased first letter.
  private readonly flags = new Uint8Array(SEEN_LENGTHS * 128);

  /** Sees terms like these, and every stopword (which may not be counted as a term). */
  constructor(terms: Iterable<string>) {
    for (const term of [...terms, ...STOPWORDS]) this.add(term);
  }

  /** Whether a plain ASCII word of this length and lower-cased first letter must be seen. */
  has(length: number, first: number): boolean {
    return this.flags[Math.min(length, SEEN_LENGTHS - 1) * 128 + first] === 1;
  }

  private add(term: string): void {
    const first = term.charCodeAt(0);
    if (first < 128) this.flags[Math.min(term.length, SEEN_LENGTHS - 1) * 128 + first] = 1;
  }
}

/**
 * Passes each search term of a text to `visit`, in order: one pass over its UTF-16 units, with ASCII words
 * split and folded by hand (most words) and the rest as {@link wordTerms} says.
 *
 * @param seen - If given, ASCII terms it need not see are only counted.
 * @returns How many terms were counted rather than passed to `visit`.
 */
function forEachTerm(text: string, visit: (term: string) => void, seen?: SeenTerms): number {
  const length = text.length;
  let unseen = 0;
  let i = 0;
  while (i < length) {
    let code = text.charCodeAt(i);
    if (!isSurrogate(code) && !isInWord(code)) {
      i++;
      continue;
    }
    const start = i;
    let astral = isSurrogate(code);
    let ascii = code < 128;
    const capitalFirst = isUpper(code);
    let capitalAfterFirst = false;
    for (i++; i < length && !astral; i++) {
      code = text.charCodeAt(i);
      astral = isSurrogate(code);
      if (!astral && !isInWord(code)) break;
      if (code >= 128) ascii = false;
      else if (isUpper(code)) capitalAfterFirst = true;
    }
    if (astral) {
      // Units outside the Basic Multilingual Plane: the regular expression finds where the word really is.
      WORD.lastIndex = start;
      const match = WORD.exec(text);
      if (match === null) return unseen;
      i = match.index + match[0].length;
      wordTerms(match[0], visit);
      continue;
    }
    if (!ascii) wordTerms(text.slice(start, i), visit);
    else if (capitalAfterFirst) unseen += asciiWordTerms(text, start, i, visit, seen);
    else unseen += keepAsciiTerm(text, start, i, visit, seen, capitalFirst);
  }
  return unseen;
}

/**
 * The search terms of a text: lower-cased words and identifier parts (`parseHTTPResponse` gives `parse`,
 * `http`, `response`), without stopwords and one-letter words.
 *
 * @param text - Any text.
 */
export function terms(text: string): string[] {
  const found: string[] = [];
  forEachTerm(text, (term) => found.push(term));
  return found;
}

/**
 * The most frequent terms of some texts, to stand in for a query when there is none, so that what is central
 * to the texts ranks first.
 *
 * @param texts - The texts.
 * @param size - How many terms.
 */
export function centralTerms(texts: readonly string[], size: number): Set<string> {
  const totals = new Map<string, number>();
  for (const text of texts) forEachTerm(text, (term) => totals.set(term, (totals.get(term) ?? 0) + 1));
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Set(ranked.slice(0, size).map(([term]) => term));
}

const K1 = 1.2;
const B = 0.75;

/**
 * BM25 scores of the documents of one collection for one query. Only the query's terms are tallied per
 * document, with each document's length in terms: that is all a score needs.
 */
export class Bm25 {
  private readonly queryTerms: number;
  // hits[document × queryTerms + term]: how often the query term occurs in the document.
  private readonly hits: Uint32Array;
  private readonly lengths: Uint32Array;
  private readonly idf: Float64Array;
  private readonly averageLength: number;

  /**
   * @param documents - The documents' texts.
   * @param query - Query terms, as {@link terms} gives them.
   */
  constructor(documents: readonly string[], query: ReadonlySet<string>) {
    const queryIndex = new Map([...query].map((term, i) => [term, i]));
    const width = queryIndex.size;
    const count = documents.length;
    this.queryTerms = width;
    this.hits = new Uint32Array(count * width);
    this.lengths = new Uint32Array(count);
    let totalLength = 0;
    const seen = new SeenTerms(query);
    documents.forEach((document, d) => {
      let seenLength = 0;
      const unseenLength = forEachTerm(
        document,
        (term) => {
          seenLength++;
          const q = queryIndex.get(term);
          if (q !== undefined) this.hits[d * width + q]!++;
        },
        seen,
      );
      const length = seenLength + unseenLength;
      this.lengths[d] = length;
      totalLength += length;
    });
    this.averageLength = Math.max(1, totalLength / Math.max(1, count));
    this.idf = new Float64Array(width);
    for (let q = 0; q < width; q++) {
      let frequency = 0;
      for (let d = 0; d < count; d++) if (this.hits[d * width + q]! > 0) frequency++;
      this.idf[q] = Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5));
    }
  }

  /**
   * The BM25 score of one document.
   *
   * @param index - The document's position in the collection.
   */
  score(index: number): number {
    const width = this.queryTerms;
    if (index < 0 || index >= this.lengths.length) return 0;
    const lengthNorm = K1 * (1 - B + (B * this.lengths[index]!) / this.averageLength);
    let score = 0;
    for (let q = 0; q < width; q++) {
      const tf = this.hits[index * width + q]!;
      if (tf > 0) score += (this.idf[q]! * tf * (K1 + 1)) / (tf + lengthNorm);
    }
    return score;
  }
}
