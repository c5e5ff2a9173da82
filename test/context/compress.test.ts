import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeCorpus, declarationCorpus, proseCorpus } from '../../bench/context/corpus.js';
import {
  type CompressOptions,
  compressContext,
  fieldText,
  SHORT_FIELD_TOKENS,
} from '../../src/context/compress-context.js';
import { terms } from '../../src/context/compression/bm25.js';
import { allocateBudget, FIELD_FLOOR_TOKENS } from '../../src/context/compression/budget.js';
import { compressText } from '../../src/context/compression/compress-text.js';
import { detectFieldKind } from '../../src/context/compression/field-kind.js';
import { TokenMap } from '../../src/context/compression/token-map.js';
import { TokenLimitError } from '../../src/context/errors.js';
import { countTokens, exactTokenizer, getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import { ValidationError } from '../../src/errors.js';

const prose = proseCorpus();
const code = codeCorpus();
const documents = [
  ...prose,
  ...code,
  { path: 'lib.es5.d.ts', text: declarationCorpus()[0]!.text.slice(0, 60_000) },
];

function contextTokens(context: Record<string, unknown>): number {
  return Object.values(context).reduce<number>((sum, value) => sum + countTokens(fieldText(value)), 0);
}

describe('compressContext', () => {
  it('never exceeds the budget, measured exactly on the final text, and keeps every key', async () => {
    const field = fc.record({
      document: fc.nat({ max: documents.length - 1 }),
      start: fc.nat({ max: 20_000 }),
      length: fc.integer({ min: 0, max: 12_000 }),
      useDocumentPath: fc.boolean(),
    });
    const scenario = fc.record({
      fields: fc.array(field, { minLength: 1, maxLength: 4 }),
      ratio: fc.double({ min: 0.05, max: 1, noNaN: true }),
      maxTokens: fc.option(fc.integer({ min: 200, max: 8000 }), { nil: undefined }),
      query: fc.constantFrom(
        '',
        'How are worker threads created and destroyed?',
        'encode chat tokens',
        '日本語 😀',
      ),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ fields, ratio, maxTokens, query }) => {
        const context: Record<string, unknown> = { module: 'auth', attempts: 3, flags: { dryRun: true } };
        fields.forEach((spec, i) => {
          const document = documents[spec.document]!;
          const key = spec.useDocumentPath ? `${i}/${document.path}` : `field${i}`;
          context[key] = document.text.slice(spec.start, spec.start + spec.length);
        });
        const result = await compressContext(context, { ratio, query, ...(maxTokens ? { maxTokens } : {}) });
        // Non-strings and strings of a few tokens are kept whole; the ratio applies to the rest.
        const fixed = Object.values(context)
          .filter((value) => typeof value !== 'string' || countTokens(value) <= SHORT_FIELD_TOKENS)
          .reduce<number>((sum, value) => sum + countTokens(fieldText(value)), 0);
        const budget = Math.min(
          fixed + Math.floor(ratio * (result.originalTokens - fixed)),
          maxTokens ?? Infinity,
        );
        expect(Object.keys(result.context)).toEqual(Object.keys(context));
        expect(result.originalTokens).toBe(contextTokens(context));
        expect(result.keptTokens).toBe(contextTokens(result.context));
        expect(result.keptTokens).toBeLessThanOrEqual(budget);
        expect(result.context.flags).toEqual({ dryRun: true });
        expect(result.context.attempts).toBe(3);
        expect(Object.keys(result.strategies)).toEqual(Object.keys(context));
      }),
      { numRuns: 30 },
    );
  });

  it('uses most of the budget on large text', async () => {
    for (const ratio of [0.5, 0.25]) {
      const context = { readme: prose[0]!.text, 'src/encoding.ts': code[1]!.text };
      const result = await compressContext(context, { ratio });
      expect(result.ratio).toBeLessThanOrEqual(ratio);
      expect(result.ratio).toBeGreaterThan(ratio * 0.8);
    }
  });

  it('passes the room a field leaves unused on to the next, so a context of many files uses its budget', async () => {
    // Folding code goes by whole functions, so each file tends to end below its share.
    const context = Object.fromEntries(code.map(({ path, text }) => [path, text]));
    const fixed = code
      .map(({ text }) => countTokens(text))
      .filter((tokens) => tokens <= SHORT_FIELD_TOKENS)
      .reduce((sum, tokens) => sum + tokens, 0);
    for (const ratio of [0.5, 0.25]) {
      const result = await compressContext(context, { ratio });
      const budget = fixed + Math.floor(ratio * (result.originalTokens - fixed));
      expect(result.keptTokens).toBeLessThanOrEqual(budget);
      expect(result.keptTokens).toBeGreaterThan(0.97 * budget);
    }
  });

  it('keeps everything at ratio 1 and counts an empty context as ratio 1', async () => {
    const context = { readme: prose[1]!.text, note: 'short' };
    const whole = await compressContext(context, { ratio: 1 });
    expect(whole.context).toEqual(context);
    expect(whole.keptTokens).toBe(whole.originalTokens);
    expect(whole.strategies).toEqual({ readme: ['keep'], note: ['keep'] });
    expect(await compressContext({})).toMatchObject({ originalTokens: 0, keptTokens: 0, ratio: 1 });
  });

  it('leaves the count cache to repeated texts: its parts and drafts are counted uncached', async () => {
    const tokenizer = getTokenizer();
    tokenizer.clearCache();
    await compressContext({ readme: prose[2]!.text, 'src/encoding.ts': code[1]!.text }, { ratio: 0.3 });
    expect(tokenizer.cacheStats()).toEqual({ hits: 0, misses: 0, size: 0 });
  });

  it('fails with TokenLimitError when values kept whole exceed maxTokens', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `row ${i}` }));
    const context = { rows, readme: prose[0]!.text };
    const error = await compressContext(context, { maxTokens: 500, taskId: 'report' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenLimitError);
    const limit = error as TokenLimitError;
    expect(limit).toMatchObject({ taskId: 'report', field: 'rows', maxTokens: 500 });
    expect(limit.neededTokens).toBe(countTokens(JSON.stringify(rows)));
    expect(limit.message).toContain(`${limit.neededTokens} tokens`);
    expect(limit.message).toContain('maxContextTokens');
  });

  it('rejects bad options with one ValidationError naming every field at fault', async () => {
    await expect(compressContext({ a: 'x' }, { ratio: 0 })).rejects.toThrow(ValidationError);
    const options = {
      ratio: 1.5,
      maxTokens: 2.5,
      query: 42,
      encoding: 'p50k_base',
      backend: 'tiktoken',
    } as unknown as CompressOptions;
    const error = (await compressContext({ a: 'x' }, options).catch(
      (caught: unknown) => caught,
    )) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((issue) => issue.field)).toEqual([
      'ratio',
      'maxTokens',
      'query',
      'encoding',
      'backend',
    ]);
    expect(error.message).toContain('ratio: must be a number greater than 0 and at most 1');
  });
});

describe('code compression', () => {
  const commented = code.find((document) => document.path.endsWith('BytePairEncodingCore.ts'))!;

  it('strips comments and blank lines before folding anything', async () => {
    const tokens = countTokens(commented.text);
    const withoutComments = commented.text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const ratio = (countTokens(withoutComments) + 10) / tokens;
    const result = await compressContext({ [commented.path]: commented.text }, { ratio });
    const text = result.context[commented.path] as string;
    expect(result.strategies[commented.path]).toEqual(['code:strip-comments']);
    expect(text).not.toMatch(/\/\*\*|^\s*\/\//m);
    expect(text).not.toMatch(/\n\s*\n/);
  });

  it('folds bodies to signatures, keeping imports and exported names', async () => {
    const result = await compressContext({ [commented.path]: commented.text }, { ratio: 0.3 });
    const text = result.context[commented.path] as string;
    expect(result.strategies[commented.path]).toContain('code:fold-bodies');
    expect(text).toContain('{ … }');
    for (const line of commented.text.split('\n').filter((l) => /^import /.test(l)))
      expect(text).toContain(line);
    expect(text).toContain('export class BytePairEncodingCore');
    expect(text).toMatch(/encodeNative\(\s*text: string/);
  });

  it('folds the bodies least relevant to the query first', async () => {
    const query = 'How is decoding of tokens to bytes done?';
    const result = await compressContext({ [commented.path]: commented.text }, { ratio: 0.4, query });
    const text = result.context[commented.path] as string;
    const decodeBody = /decodeNative\([^)]*\)[^{]*\{\s*\S/.exec(text);
    expect(decodeBody?.[0]).not.toContain('…');
  });

  it('parses Python and folds its function bodies to `...`', async () => {
    const source = [
      'import os',
      'from typing import List',
      '',
      '# Helpers for the reports.',
      'def load_rows(path: str, limit: int = 10) -> List[str]:',
      '    """Read rows."""',
      ...Array.from({ length: 40 }, (_, i) => `    value_${i} = os.path.join(path, "row_${i}")  # join`),
      '    return [value_0]',
      '',
      'class Report:',
      '    def render(self, rows, width=80):',
      ...Array.from({ length: 40 }, (_, i) => `        line_${i} = str(rows[${i}]).ljust(width)`),
      '        return line_0',
    ].join('\n');
    const result = await compressContext({ 'app/report.py': source }, { ratio: 0.3 });
    const text = result.context['app/report.py'] as string;
    expect(result.strategies['app/report.py']).toEqual(['code:strip-comments', 'code:fold-bodies']);
    expect(text).toContain('def load_rows(path: str, limit: int = 10) -> List[str]:');
    expect(text).toContain('def render(self, rows, width=80):');
    expect(text).toContain('...');
    expect(text).not.toContain('#');
  });
});

describe('prose compression', () => {
  it('keeps the paragraph breaks after kept sentences, so drafts are recounted only at a few joins', () => {
    const tokenizer = exactTokenizer();
    for (const document of prose) {
      const map = new TokenMap(document.text, tokenizer);
      let recounted = 0;
      const count = (text: string): number => {
        recounted += text.length;
        return tokenizer.countUncached(text);
      };
      const budget = Math.floor(map.total / 2);
      const query = new Set(terms('How are worker threads and tokens counted?'));
      const result = compressText({ text: document.text, map, budget, query, count }, 'prose');
      expect(result.tokens, document.path).toBe(tokenizer.count(result.text));
      expect(result.tokens, document.path).toBeLessThanOrEqual(budget);
      if (/\n\s*\n/.test(document.text)) expect(result.text, document.path).toMatch(/\S\n\s*\n\S/);
      expect(result.text.trim() === '' || /^\S/.test(result.text), document.path).toBe(true);
      expect(recounted, document.path).toBeLessThan(result.text.length / 10);
    }
  });
});

describe('log compression', () => {
  it('merges repeated lines and keeps the lines that match the query', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const time = `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
      lines.push(`${time} INFO worker-${i % 4} heartbeat ok, queue depth nominal`);
      if (i === 211) lines.push(`${time} ERROR database connection refused by replica db-7 (pool exhausted)`);
      if (i % 50 === 0) lines.push(`${time} DEBUG cache refreshed ${i} entries from upstream store`);
    }
    const log = lines.join('\n');
    const result = await compressContext(
      { 'service.log': log },
      { ratio: 0.1, query: 'Why did the database connection fail?' },
    );
    const text = result.context['service.log'] as string;
    expect(result.strategies['service.log']).toEqual(['log:dedupe', 'log:bm25-extract']);
    expect(text).toContain('ERROR database connection refused by replica db-7');
    expect(text).toMatch(/heartbeat ok, queue depth nominal \[×75\]/);
  });
});

describe('detectFieldKind', () => {
  it('goes by the extension of a file-path key', () => {
    expect(detectFieldKind('src/auth.ts', '')).toEqual({ kind: 'code', language: 'typescript' });
    expect(detectFieldKind('app/models.py', '')).toEqual({ kind: 'code', language: 'python' });
    expect(detectFieldKind('web/App.tsx', '')).toEqual({ kind: 'code', language: 'tsx' });
    expect(detectFieldKind('lib/index.mjs', '')).toEqual({ kind: 'code', language: 'javascript' });
    expect(detectFieldKind('docs/guide.md', 'const x = 1;')).toEqual({ kind: 'prose' });
    expect(detectFieldKind('logs/app.log', '')).toEqual({ kind: 'log' });
  });

  it('sniffs other keys', () => {
    for (const document of prose)
      expect(detectFieldKind('readme', document.text), document.path).toEqual({ kind: 'prose' });
    for (const document of code.slice(0, 6))
      expect(detectFieldKind('source', document.text).kind, document.path).toBe('code');
    const log = Array.from({ length: 20 }, (_, i) => `2024-01-01 12:00:${10 + i} WARN retry ${i}`).join('\n');
    expect(detectFieldKind('output', log)).toEqual({ kind: 'log' });
    expect(detectFieldKind('source', 'def f(x):\n    return x\n\nclass A:\n    pass\n')).toEqual({
      kind: 'code',
      language: 'python',
    });
  });
});

describe('allocateBudget', () => {
  it('keeps small fields whole and shares the rest in proportion to size', () => {
    const allowances = allocateBudget([40, 1000, 3000], 1040);
    expect(allowances[0]).toBe(40);
    expect(allowances.reduce((a, b) => a + b, 0)).toBe(1040);
    expect(allowances[2]! / allowances[1]!).toBeCloseTo(3, 1);
  });

  it('gives every field the same cap when not even the floors fit', () => {
    const allowances = allocateBudget([FIELD_FLOOR_TOKENS, 500, 500], 90);
    expect(allowances.reduce((a, b) => a + b, 0)).toBe(90);
    expect(Math.max(...allowances) - Math.min(...allowances)).toBeLessThanOrEqual(1);
  });

  it('never hands out more than the capacity or a field its size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 8 }),
        fc.nat({ max: 20_000 }),
        (sizes, capacity) => {
          const allowances = allocateBudget(sizes, capacity);
          const total = sizes.reduce((a, b) => a + b, 0);
          const given = allowances.reduce((a, b) => a + b, 0);
          return (
            allowances.every((allowance, i) => allowance >= 0 && allowance <= sizes[i]!) &&
            given === Math.min(total, capacity)
          );
        },
      ),
    );
  });
});
