import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeCorpus, declarationCorpus, proseCorpus } from '../../bench/context/corpus.js';
import { nativeCounter } from '../../src/context/tokenizer/backends.js';
import { countLongPiece } from '../../src/context/tokenizer/long-piece.js';
import { PieceCounter } from '../../src/context/tokenizer/piece-counter.js';
import { isSafeCut, pieceSplitter } from '../../src/context/tokenizer/pieces.js';
import { countTokens, getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import { ENCODINGS, TOKENIZER_BACKENDS } from '../../src/context/types.js';

const UNICODE_SNIPPETS = [
  'Grüße aus Köln – naïve café, façade; Ελληνικά; русский текст; עברית; العربية',
  '日本語の文章と中文句子，还有한국어 문장。',
  'Emoji: 👩‍💻🚀🎉 flags 🇳🇴🇯🇵 skin 👍🏽 and ZWJ 👨‍👩‍👧‍👦',
  'Combining: e\u0301 a\u0308 n\u0303\u0301; math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢; tabs\tand\r\nCRLF',
  "Special markers are plain text: <|endoftext|> <|im_start|>user<|im_end|> don't won't I'LL",
];

describe('countTokens', () => {
  const corpus = [
    ...codeCorpus().slice(0, 6),
    ...proseCorpus().slice(0, 4),
    { path: 'lib.es5.d.ts (head)', text: declarationCorpus()[0]!.text.slice(0, 120_000) },
    ...UNICODE_SNIPPETS.map((text, i) => ({ path: `unicode-${i}`, text })),
  ];

  for (const encoding of ENCODINGS) {
    it(`gives the same count with every backend on real text (${encoding})`, () => {
      for (const { path, text } of corpus) {
        const counts = TOKENIZER_BACKENDS.map((backend) => getTokenizer({ encoding, backend }).count(text));
        expect(new Set(counts), path).toHaveLength(1);
        expect(counts[0], path).toBe(nativeCounter('tiktoken-wasm', encoding)(text));
      }
    });
  }

  it('defaults to o200k_base', () => {
    const text = proseCorpus()[0]!.text;
    expect(countTokens(text)).toBe(countTokens(text, { encoding: 'o200k_base' }));
    expect(countTokens(text)).not.toBe(countTokens(text, { encoding: 'cl100k_base' }));
  });

  it('counts the empty string as zero tokens', () => {
    expect(countTokens('')).toBe(0);
  });

  it('serves repeated long content from the cache', () => {
    const tokenizer = getTokenizer({ backend: 'js-tiktoken', encoding: 'cl100k_base' });
    const text = proseCorpus()[1]!.text;
    tokenizer.clearCache();
    const first = tokenizer.count(text);
    const second = tokenizer.count(text);
    expect(second).toBe(first);
    expect(tokenizer.cacheStats()).toEqual({ hits: 1, misses: 1, size: 1 });
  });
});

describe('isSafeCut', () => {
  const pieceOfText = fc.constantFrom(
    '\n',
    '\r\n',
    ' ',
    '  ',
    '\t',
    '/',
    '//',
    'x',
    'Word',
    '.',
    '"',
    '7',
    '中',
    '\u00a0',
  );
  for (const encoding of ENCODINGS) {
    it(`marks only cuts where the counts of the two sides add up (${encoding})`, () => {
      const count = nativeCounter('tiktoken-wasm', encoding);
      fc.assert(
        fc.property(fc.array(pieceOfText, { maxLength: 40 }), (parts) => {
          const text = parts.join('');
          const whole = count(text);
          for (let at = 1; at < text.length; at++) {
            if (isSafeCut(text, at) && count(text.slice(0, at)) + count(text.slice(at)) !== whole)
              return false;
          }
          return true;
        }),
        { numRuns: 300 },
      );
    });
  }

  it('finds cuts at indented line starts, between words, and after a newline before a word', () => {
    const text = 'a = 1;\n    b\n\tc\nd e\n/f\n  \n';
    const cuts = [...text].flatMap((_, at) => (at > 0 && isSafeCut(text, at) ? [at] : []));
    expect(cuts.map((at) => JSON.stringify(text.slice(at - 1, at + 1)))).toEqual([
      '"a "',
      '"= "',
      '"\\n "',
      '"\\n\\t"',
      '"\\nd"',
      '"d "',
    ]);
  });
});

describe('PieceCounter', () => {
  const text = codeCorpus()[1]!.text;

  it('asks the library once per distinct piece, and again only after it forgets', () => {
    const library = nativeCounter('js-tiktoken', 'cl100k_base');
    const asked: string[] = [];
    const counter = new PieceCounter('cl100k_base', (piece) => {
      asked.push(piece);
      return library(piece);
    });
    expect(counter.count(text)).toBe(library(text));
    const distinct = new Set(asked);
    expect(asked).toHaveLength(distinct.size);
    expect(counter.remembered).toBe(distinct.size);
    expect(counter.count(text)).toBe(library(text));
    expect(asked).toHaveLength(distinct.size);
    counter.clear();
    expect(counter.count(text)).toBe(library(text));
    expect(asked).toHaveLength(2 * distinct.size);
  });

  it('tells each safe cut with the exact count before it, and counts add up across it', () => {
    const counter = new PieceCounter('o200k_base', nativeCounter('gpt-tokenizer', 'o200k_base'));
    const head = `${text.slice(0, 2000)}\n\n  indented  \n/ slash\n\tTab. Next sentence!  ok`;
    const cuts: number[] = [];
    const total = counter.countAtSafeCuts(head, (cut, tokensBefore) => {
      cuts.push(cut);
      expect(tokensBefore, `before ${cut}`).toBe(countTokens(head.slice(0, cut)));
      expect(tokensBefore + countTokens(head.slice(cut)), `across ${cut}`).toBe(countTokens(head));
    });
    expect(total).toBe(countTokens(head));
    expect(cuts.length).toBeGreaterThan(head.length / 40);
    expect(cuts).toEqual([...new Set(cuts)].sort((a, b) => a - b));
  });

  it('counts long text with a few wide characters in parts, exactly, telling every safe cut', () => {
    // Longer than a part, with one emoji: counted in parts, the emoji's as is and the others narrowed.
    const long = `${text.repeat(3).slice(0, 30_000)}\n// 👍 naïve “quotes”\n${text.repeat(3).slice(0, 30_000)}`;
    const library = nativeCounter('gpt-tokenizer', 'o200k_base');
    const counter = new PieceCounter('o200k_base', library);
    expect(counter.count(long)).toBe(library(long));
    const told = new Map<number, number>();
    expect(counter.countAtSafeCuts(long, (cut, tokensBefore) => told.set(cut, tokensBefore))).toBe(
      library(long),
    );
    const pieceStarts = [...long.matchAll(new RegExp(pieceSplitter('o200k_base').source, 'gu'))].map(
      (m) => m.index,
    );
    expect([...told.keys()]).toEqual(pieceStarts.filter((at) => at > 0 && isSafeCut(long, at)));
    const sampled = [...told].filter((_, i) => i % 300 === 0);
    expect(sampled.length).toBeGreaterThan(10);
    for (const [cut, tokensBefore] of sampled)
      expect(tokensBefore, `before ${cut}`).toBe(library(long.slice(0, cut)));
  });

  it('counts random text exactly as each library counts it whole', () => {
    const unit = fc.constantFrom(
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      "'s",
      "'LL",
      'don',
      'T',
      'x',
      'Ünï',
      'ж',
      '中文',
      '😀',
      '👩‍💻',
      '\u0301',
      '7',
      '123456',
      '.',
      '...',
      '/',
      '//',
      '<|endoftext|>',
      '\u00a0',
      '\u3000',
    );
    for (const encoding of ENCODINGS) {
      for (const backend of TOKENIZER_BACKENDS) {
        const library = nativeCounter(backend, encoding);
        const counter = new PieceCounter(encoding, library);
        fc.assert(
          fc.property(fc.array(unit, { maxLength: 60 }), (units) => {
            const text = units.join('');
            return counter.count(text) === library(text);
          }),
          { numRuns: 100 },
        );
      }
    }
  });

  it('keeps its memory bounded however many distinct pieces it meets', () => {
    const counter = new PieceCounter('o200k_base', nativeCounter('gpt-tokenizer', 'o200k_base'));
    // Letters only, so that each word is one piece: 70,000 distinct pieces.
    const letters = (n: number): string =>
      (n >= 26 ? letters(Math.floor(n / 26) - 1) : '') + String.fromCharCode(97 + (n % 26));
    const words = Array.from({ length: 70_000 }, (_, i) => ` ${letters(i)}`).join('');
    expect(counter.count(words)).toBe(countTokens(words));
    expect(counter.remembered).toBeGreaterThan(0);
    expect(counter.remembered).toBeLessThanOrEqual(1 << 16);
  });
});

/** Text built from runs of characters, so that long pre-tokenizer pieces of every class occur. */
const runs = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        ' ',
        '\t',
        '\n',
        '\r\n',
        'a',
        'Z',
        'é',
        'ж',
        '中',
        '7',
        '.',
        '/',
        "'",
        '!',
        '😀',
        '\u0301',
        'ab ',
      ),
      fc.nat({ max: 700 }),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.map(([unit, times]) => unit.repeat(times)).join(''));

describe('long runs of one character class', () => {
  for (const encoding of ENCODINGS) {
    it(`are counted exactly, as the library counts them unguarded (${encoding})`, () => {
      const unguarded = nativeCounter('gpt-tokenizer', encoding);
      fc.assert(
        fc.property(runs, (text) => getTokenizer({ encoding }).count(text) === unguarded(text)),
        { numRuns: 150 },
      );
    });
  }

  it('are counted exactly when mixed with ordinary text, by the WASM build too', () => {
    const prose = proseCorpus()[2]!.text.slice(0, 4000);
    const text = `${prose}${' '.repeat(3000)}x${'-'.repeat(2000)}\n${'q'.repeat(2500)}'s\t\t\t${'9'.repeat(900)}`;
    for (const encoding of ENCODINGS) {
      expect(getTokenizer({ encoding, backend: 'tiktoken-wasm' }).count(text)).toBe(
        nativeCounter('tiktoken-wasm', encoding)(text),
      );
    }
  });

  it('merges one long piece as the library does', () => {
    for (const piece of [' '.repeat(5000), 'abcab'.repeat(900), '!'.repeat(4000), 'Ünïcödé'.repeat(400)]) {
      expect(countLongPiece(piece, 'o200k_base')).toBe(nativeCounter('tiktoken-wasm', 'o200k_base')(piece));
    }
  });

  it('of 100,000 spaces, letters, digits or punctuation are counted by every backend', () => {
    for (const unit of [' ', 'a', '7', '=', '\n']) {
      const text = unit.repeat(100_000);
      const counts = TOKENIZER_BACKENDS.map((backend) => countTokens(`x${text}y`, { backend }));
      expect(new Set(counts)).toHaveLength(1);
      // Same runs are merged into the longest tokens the vocabulary has, never below one token per 256 units.
      expect(counts[0]).toBeGreaterThan(100_000 / 256);
      expect(counts[0]).toBeLessThan(100_000 / 2);
    }
  });
});
