import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeCorpus, proseCorpus } from '../../bench/context/corpus.js';
import { Bm25, centralTerms, terms } from '../../src/context/compression/bm25.js';

describe('terms', () => {
  it('splits identifiers, lower-cases and drops stopwords and single letters', () => {
    expect(terms('The parseHTTPResponse of a XMLHttpRequest is x_value 42')).toEqual([
      'parse',
      'http',
      'response',
      'xml',
      'http',
      'request',
      'value',
      '42',
    ]);
    expect(terms('Grüße aus Köln')).toEqual(['grüße', 'aus', 'köln']);
  });

  it('finds the words the Unicode definition gives, whatever the scripts and planes', () => {
    // The definition: runs of letters and digits; words of three or more with a capital (that has a lower
    // case) after the first letter split at camel case; 'the' is the only stopword these pieces can form.
    const reference = (text: string): string[] =>
      (text.match(/[\p{L}\p{N}]+/gu) ?? [])
        .flatMap((word) =>
          word.length > 2 &&
          word.slice(1) !== word.toLowerCase().slice(1) &&
          /\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}/u.test(word)
            ? (word.match(/\p{Lu}?[\p{Ll}\p{N}]+|\p{Lu}+(?!\p{Ll})/gu) ?? [word])
            : [word],
        )
        .map((term) => term.toLowerCase())
        .filter((term) => term.length > 1 && term !== 'the');
    const piece = fc.constantFrom(
      'a',
      'Z',
      'the',
      'parseHTTP',
      'XMLHttp',
      'B2',
      'iOS',
      'Ünïcode',
      'ß',
      'İ',
      '日本',
      '7',
      '_',
      ' ',
      '.',
      '😀',
      '𝐀𝐁',
      '\u0301',
      '\ud800',
      'ΣΑΣ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(terms(text)).toEqual(reference(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('centralTerms', () => {
  it('gives the most frequent terms, ties in alphabetical order', () => {
    expect(centralTerms(['worker pool worker', 'pool size', 'queue'], 2)).toEqual(
      new Set(['pool', 'worker']),
    );
  });
});

describe('Bm25', () => {
  it('ranks the document with the rare query terms first', () => {
    const documents = [
      'The amber lock code of the Brandvik project is 173920.',
      'The amber lock code of the Halvorsen project is 482913.',
      'Workers are created on demand and destroyed when idle.',
    ];
    const ranker = new Bm25(
      documents,
      new Set(terms('What is the amber lock code of the Halvorsen project?')),
    );
    const scores = documents.map((_, i) => ranker.score(i));
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    expect(scores[2]).toBe(0);
  });

  it('scores as Okapi BM25 over the terms that terms() gives, on real text', () => {
    const documents = [...proseCorpus().slice(0, 2), codeCorpus()[0]!]
      .flatMap((document) => document.text.split(/(?<=[.!?])\s+|\n+/))
      .filter((sentence) => sentence.trim() !== '');
    const query = new Set(terms('How does the parser count tokens and handle worker threads?'));
    const ranker = new Bm25(documents, query);
    const termsOf = documents.map((document) => terms(document));
    const averageLength = termsOf.reduce((sum, found) => sum + found.length, 0) / documents.length;
    const idf = new Map(
      [...query].map((term) => {
        const frequency = termsOf.filter((found) => found.includes(term)).length;
        return [term, Math.log(1 + (documents.length - frequency + 0.5) / (frequency + 0.5))];
      }),
    );
    const reference = (found: string[]): number =>
      [...query].reduce((score, term) => {
        const tf = found.filter((candidate) => candidate === term).length;
        const norm = 1.2 * (1 - 0.75 + (0.75 * found.length) / averageLength);
        return score + (tf === 0 ? 0 : (idf.get(term)! * tf * 2.2) / (tf + norm));
      }, 0);
    expect(documents.length).toBeGreaterThan(200);
    expect(termsOf.filter((found) => reference(found) > 0).length).toBeGreaterThan(10);
    termsOf.forEach((found, i) => {
      expect(ranker.score(i), `document ${i}`).toBeCloseTo(reference(found), 9);
    });
  });
});
