import { describe, expect, it } from 'vitest';
import { proseCorpus } from '../../bench/context/corpus.js';
import { TokenLimitError } from '../../src/context/errors.js';
import { prepareContext, validateCompressionSettings } from '../../src/context/prepare.js';
import { countTokens } from '../../src/context/tokenizer/tokenizer.js';
import { DEFAULT_COMPRESSION_SETTINGS } from '../../src/context/types.js';

const readme = proseCorpus()[0]!.text;

describe('prepareContext', () => {
  it('compresses with the task description as query and reports the counts', async () => {
    const { context, report } = await prepareContext(
      { readme, module: 'pool' },
      { ...DEFAULT_COMPRESSION_SETTINGS, query: 'How do I cancel a task?' },
    );
    expect(report.originalTokens).toBe(countTokens(readme) + countTokens('pool'));
    expect(report.keptTokens).toBe(countTokens(context.readme as string) + countTokens('pool'));
    expect(report.ratio).toBeLessThanOrEqual(0.5);
    expect(report.strategies).toEqual({ readme: ['prose:bm25-extract'], module: ['keep'] });
    expect(context.readme).toMatch(/cancel/i);
  });

  it('only counts when compression is disabled, but still enforces the ceiling', async () => {
    const settings = { ...DEFAULT_COMPRESSION_SETTINGS, enableCompression: false };
    const { context, report } = await prepareContext({ readme }, settings);
    expect(context).toEqual({ readme });
    expect(report).toMatchObject({ ratio: 1, keptTokens: countTokens(readme) });
    await expect(
      prepareContext({ readme }, { ...settings, maxContextTokens: 100, taskId: 't1' }),
    ).rejects.toMatchObject({
      name: 'TokenLimitError',
      taskId: 't1',
      neededTokens: countTokens(readme),
      maxTokens: 100,
    });
  });

  it('honours maxContextTokens below the ratio budget', async () => {
    const { report } = await prepareContext(
      { readme },
      { ...DEFAULT_COMPRESSION_SETTINGS, maxContextTokens: 300 },
    );
    expect(report.keptTokens).toBeLessThanOrEqual(300);
    expect(report.keptTokens).toBeGreaterThan(250);
  });

  it('names the task in a TokenLimitError', async () => {
    const error = await prepareContext(
      { table: Array.from({ length: 100 }, (_, i) => i) },
      { ...DEFAULT_COMPRESSION_SETTINGS, maxContextTokens: 10, taskId: 'load' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenLimitError);
    expect((error as Error).message).toMatch(
      /^Context of task "load" \(field "table"\) needs at least \d+ tokens/,
    );
  });
});

describe('validateCompressionSettings', () => {
  it('accepts valid and partial settings', () => {
    expect(validateCompressionSettings(DEFAULT_COMPRESSION_SETTINGS, 'coordinator')).toEqual([]);
    expect(validateCompressionSettings({ compressionRatio: 1, maxContextTokens: 8000 }, 'tasks[0]')).toEqual(
      [],
    );
  });

  it('reports every problem with where it was found', () => {
    const problems = validateCompressionSettings(
      {
        enableCompression: 'yes',
        compressionRatio: 0,
        maxContextTokens: -5,
        encoding: 'p50k',
        backend: 'tiktoken',
      },
      'tasks[2]',
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'tasks[2].enableCompression',
      'tasks[2].compressionRatio',
      'tasks[2].maxContextTokens',
      'tasks[2].encoding',
      'tasks[2].backend',
    ]);
    expect(problems[1]!.message).toContain('at most 1');
    expect(problems[3]!.message).toContain('o200k_base, cl100k_base');
  });
});
