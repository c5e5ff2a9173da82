/**
 * Compresses a task's context object to a token budget, field by field.
 *
 * A context's tokens are the sum over its fields of the tokens of each field's text: a string as it is, any
 * other value as `JSON.stringify` renders it. Non-string values and short strings are kept as they are; the
 * rest share what the budget leaves, and each is compressed by its kind (code, prose, log).
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { terms } from './compression/bm25.js';
import { allocateBudget } from './compression/budget.js';
import { compressCode } from './compression/compress-code.js';
import { compressText } from './compression/compress-text.js';
import type { FieldCompression, FieldCompressionInput } from './compression/field-compression.js';
import { detectFieldKind } from './compression/field-kind.js';
import { TokenMap } from './compression/token-map.js';
import { TokenLimitError } from './errors.js';
import { contentKey, LruCache } from './lru-cache.js';
import { ratioProblems, tokenizerChoiceProblems, tokenLimitProblems } from './settings-problems.js';
import { exactTokenizer, type UncachedCounting } from './tokenizer/tokenizer.js';
import type { Context, ContextReport, SettingsProblem, TokenizerChoice } from './types.js';

/** Strings of at most this many tokens are kept whole, like other scalars. */
export const SHORT_FIELD_TOKENS = 32;

/** Options of {@link compressContext}. */
export interface CompressOptions extends TokenizerChoice {
  /** Share of the compressible tokens to keep, in (0, 1]; default 0.5. */
  ratio?: number;
  /** Hard ceiling on the context's tokens. */
  maxTokens?: number;
  /** The task description: what the kept text should be relevant to. */
  query?: string;
  /** Named in a {@link TokenLimitError}. */
  taskId?: string;
}

/** A compressed context and what was done to it. */
export interface CompressedContext extends ContextReport {
  /** The context, same keys, compressed values. */
  context: Record<string, unknown>;
}

interface MeasuredField {
  key: string;
  value: unknown;
  tokens: number;
  /** Present for strings that may be compressed. */
  map?: TokenMap;
}

/** Renders a field as the model sees it, for counting. */
export function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

// Token maps of recent long texts per tokenizer, so that a file in many tasks' contexts is counted once.
const tokenMaps = new LruCache<TokenMap>(32);
const MAP_CACHE_FROM_LENGTH = 4096;

function tokenMap(text: string, tokenizer: UncachedCounting): TokenMap {
  if (text.length < MAP_CACHE_FROM_LENGTH) return new TokenMap(text, tokenizer);
  const key = `${tokenizer.backend}/${tokenizer.encoding}/${contentKey(text)}`;
  let map = tokenMaps.get(key);
  if (map === undefined) {
    map = new TokenMap(text, tokenizer);
    tokenMaps.set(key, map);
  }
  return map;
}

function measure(key: string, value: unknown, tokenizer: UncachedCounting): MeasuredField {
  if (typeof value !== 'string') return { key, value, tokens: tokenizer.count(fieldText(value)) };
  const map = tokenMap(value, tokenizer);
  return map.total <= SHORT_FIELD_TOKENS
    ? { key, value, tokens: map.total }
    : { key, value, tokens: map.total, map };
}

async function compressField(key: string, input: FieldCompressionInput): Promise<FieldCompression> {
  const kind = detectFieldKind(key, input.text);
  return kind.kind === 'code' ? compressCode(input, kind.language) : compressText(input, kind.kind);
}

/** Every problem of the options as given, so that one error names them all. */
function optionProblems(options: CompressOptions): SettingsProblem[] {
  const { ratio, maxTokens, query } = options;
  return [
    ...ratioProblems('ratio', ratio),
    ...tokenLimitProblems('maxTokens', maxTokens),
    ...(query === undefined || typeof query === 'string'
      ? []
      : [{ field: 'query', message: `must be a string, got ${typeof query}` }]),
    ...tokenizerChoiceProblems(options),
  ];
}

/**
 * Compresses a context to `min(kept + ratio × compressible, maxTokens)` tokens, measured exactly on the final
 * text with the chosen tokenizer and never exceeded.
 *
 * @param context - The task's context; string fields may be compressed, other values are kept.
 * @param options - Ratio (default 0.5), ceiling, query, tokenizer.
 * @returns The compressed context (same keys) with token counts and the strategies applied per field.
 * @throws {@link ValidationError} listing every bad option.
 * @throws {@link TokenLimitError} if the values kept whole alone exceed `maxTokens`.
 */
export async function compressContext(
  context: Context,
  options: CompressOptions = {},
): Promise<CompressedContext> {
  const problems = optionProblems(options);
  if (problems.length > 0) throw new ValidationError(problems, 'compressContext options');
  const ratio = options.ratio ?? 0.5;
  const tokenizer = exactTokenizer(options);
  const fields = Object.entries(context).map(([key, value]) => measure(key, value, tokenizer));
  const originalTokens = fields.reduce((sum, field) => sum + field.tokens, 0);
  const compressible = fields.filter((field) => field.map !== undefined);
  const fixedTokens = originalTokens - compressible.reduce((sum, field) => sum + field.tokens, 0);
  const compressibleTokens = originalTokens - fixedTokens;
  const budget = Math.min(
    fixedTokens + Math.floor(ratio * compressibleTokens),
    options.maxTokens ?? Infinity,
  );

  if (fixedTokens > budget) {
    const largest = fields
      .filter((field) => field.map === undefined)
      .reduce((a, b) => (b.tokens > a.tokens ? b : a));
    throw new TokenLimitError({
      ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
      ...(largest.tokens > budget ? { field: largest.key } : {}),
      neededTokens: fixedTokens,
      maxTokens: budget,
    });
  }

  const allowances = allocateBudget(
    compressible.map((field) => field.tokens),
    budget - fixedTokens,
  );
  const query = new Set(terms(options.query ?? ''));
  const result: Record<string, unknown> = {};
  const strategies: Record<string, string[]> = {};
  let keptTokens = 0;
  // Room a compressed field left unused (folds come in whole functions): the next field may use it.
  let unused = 0;
  for (const field of fields) {
    const allowance =
      field.map === undefined ? field.tokens : allowances[compressible.indexOf(field)]! + unused;
    if (field.map === undefined || allowance >= field.tokens) {
      result[field.key] = field.value;
      strategies[field.key] = ['keep'];
      keptTokens += field.tokens;
      if (field.map !== undefined) unused = allowance - field.tokens;
      continue;
    }
    const compressed = await compressField(field.key, {
      text: field.value as string,
      map: field.map,
      budget: allowance,
      query,
      count: tokenizer.countUncached,
    });
    result[field.key] = compressed.text;
    strategies[field.key] = compressed.strategies;
    keptTokens += compressed.tokens;
    unused = allowance - compressed.tokens;
  }
  return {
    context: result,
    originalTokens,
    keptTokens,
    ratio: originalTokens === 0 ? 1 : keptTokens / originalTokens,
    strategies,
  };
}
