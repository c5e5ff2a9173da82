import { describe, expect, it } from 'vitest';
import { Bm25, terms } from '../../src/context/compression/bm25.js';

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
});

describe('Bm25', () => {
  it('ranks the document with the rare query terms first', () => {
    const documents = [
      'The amber lock code of the Brandvik project is 173920.',
      'The amber lock code of the Halvorsen project is 482913.',
      'Workers are created on demand and destroyed when idle.',
    ].map(terms);
    const ranker = new Bm25(documents);
    const query = new Set(terms('What is the amber lock code of the Halvorsen project?'));
    const scores = documents.map((_, i) => ranker.score(query, i));
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    expect(scores[2]).toBe(0);
  });
});
