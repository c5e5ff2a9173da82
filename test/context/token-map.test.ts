import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeCorpus, proseCorpus } from '../../bench/context/corpus.js';
import { TokenMap, UNIT_LENGTH } from '../../src/context/compression/token-map.js';
import { getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import { ENCODINGS } from '../../src/context/types.js';

describe('TokenMap', () => {
  it('adds its unit counts up to the exact count of real text, with units of any length', () => {
    for (const encoding of ENCODINGS) {
      const tokenizer = getTokenizer({ encoding });
      for (const { path, text } of [...codeCorpus(), ...proseCorpus()]) {
        for (const unitLength of [1, 100, UNIT_LENGTH]) {
          expect(new TokenMap(text, (part) => tokenizer.count(part), unitLength).total, path).toBe(
            tokenizer.count(text),
          );
        }
      }
    }
  });

  it('adds up exactly on random text with indentation, slashes and blank lines', () => {
    const unit = fc.constantFrom(
      '\n',
      '\n\n',
      '  ',
      '\t',
      '/',
      '//',
      'word',
      '.',
      ' x',
      '中',
      '😀',
      "'s",
      '\r\n',
      '7',
    );
    const text = fc.array(unit, { maxLength: 300 }).map((units) => units.join(''));
    for (const encoding of ENCODINGS) {
      const tokenizer = getTokenizer({ encoding });
      fc.assert(
        fc.property(
          text,
          (sample) => new TokenMap(sample, (part) => tokenizer.count(part)).total === tokenizer.count(sample),
        ),
        {
          numRuns: 300,
        },
      );
    }
  });

  it('estimates stretches from the units they cover', () => {
    const text = proseCorpus()[0]!.text;
    const tokenizer = getTokenizer();
    const map = new TokenMap(text, (part) => tokenizer.count(part));
    expect(map.estimate(0, text.length)).toBe(map.total);
    expect(map.estimate(10, 10)).toBe(0);
    const half = map.estimate(0, text.length >> 1);
    expect(half).toBeGreaterThan(map.total * 0.3);
    expect(half).toBeLessThan(map.total * 0.7);
  });
});
