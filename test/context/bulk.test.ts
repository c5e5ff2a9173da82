import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeCorpus, mixedText, proseCorpus } from '../../bench/context/corpus.js';
import { type BulkCountOptions, countTokensBulk, TokenCountPool } from '../../src/context/tokenizer/bulk.js';
import { cutAtSafeBoundaries } from '../../src/context/tokenizer/pieces.js';
import { countTokens } from '../../src/context/tokenizer/tokenizer.js';
import { ENCODINGS, type TokenizerChoice } from '../../src/context/types.js';
import { ValidationError } from '../../src/errors.js';

describe('cutAtSafeBoundaries', () => {
  it('cuts real text into parts whose counts add up to the whole', () => {
    const text = mixedText(300_000);
    for (const encoding of ENCODINGS) {
      const parts = cutAtSafeBoundaries(text, 5_000);
      expect(parts.length).toBeGreaterThan(40);
      expect(parts.join('')).toBe(text);
      const sum = parts.reduce((total, part) => total + countTokens(part, { encoding }), 0);
      expect(sum).toBe(countTokens(text, { encoding }));
    }
  });

  it('keeps counts exact on random text', () => {
    const alphabet = fc.constantFrom(
      ' ',
      '  ',
      '\t',
      '\n',
      'word',
      'É',
      '中文',
      '42',
      '.',
      '/',
      "'s",
      '😀',
      '\u0301',
    );
    const text = fc.array(alphabet, { maxLength: 400 }).map((units) => units.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), (sample, length) => {
        const parts = cutAtSafeBoundaries(sample, length);
        const sum = parts.reduce((total, part) => total + countTokens(part), 0);
        return parts.join('') === sample && sum === countTokens(sample);
      }),
      { numRuns: 300 },
    );
  });
});

describe('countTokensBulk', () => {
  it('gives the same counts as counting one by one, for many small and a few large texts', async () => {
    const texts = [...codeCorpus(), ...proseCorpus()].map((document) => document.text);
    texts.push(mixedText(400_000), '', 'x');
    const counts = await countTokensBulk(texts, { workers: 2, encoding: 'cl100k_base' });
    expect(counts).toEqual(texts.map((text) => countTokens(text, { encoding: 'cl100k_base' })));
  });

  it('counts overlapping calls on one pool exactly, and the calls after them', async () => {
    const pool = new TokenCountPool({ workers: 2 });
    try {
      const large = [mixedText(300_000), proseCorpus()[1]!.text];
      const small = codeCorpus()
        .slice(0, 5)
        .map((document) => document.text);
      const expected = (texts: string[]) => texts.map((text) => countTokens(text));
      const [first, second] = await Promise.all([pool.count(large), pool.count(small)]);
      expect(first).toEqual(expected(large));
      expect(second).toEqual(expected(small));
      expect(await pool.count(small.reverse())).toEqual(expected(small));
      expect(await pool.count([])).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('rejects bad options with every problem named, before starting a thread', async () => {
    const options = {
      workers: 0.5,
      encoding: 'p50k_base',
      backend: 'tiktoken',
    } as unknown as BulkCountOptions;
    const error = await countTokensBulk(['text'], options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([
      'encoding',
      'backend',
      'workers',
    ]);
    expect(() => countTokens('text', { backend: 'tiktoken' } as unknown as TokenizerChoice)).toThrow(
      /backend: must be one of gpt-tokenizer, js-tiktoken, tiktoken-wasm, got tiktoken/,
    );
  });

  it('can be kept open and reused', async () => {
    const pool = new TokenCountPool({ workers: 1, backend: 'tiktoken-wasm' });
    try {
      const text = proseCorpus()[0]!.text;
      expect(await pool.count([text])).toEqual([countTokens(text)]);
      expect(await pool.count([text, text])).toEqual([countTokens(text), countTokens(text)]);
    } finally {
      await pool.close();
    }
  });
});
