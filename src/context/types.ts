/**
 * Shared types of the context engine: tokenizer choices, compression settings and reports.
 *
 * @module
 */

/** The byte-pair encodings the context engine counts with. */
export const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;

/** A byte-pair encoding: `o200k_base` (GPT-4o and later) or `cl100k_base` (GPT-4, GPT-3.5). */
export type Encoding = (typeof ENCODINGS)[number];

/** The tokenizer libraries that can do the counting; all give identical counts. */
export const TOKENIZER_BACKENDS = ['gpt-tokenizer', 'js-tiktoken', 'tiktoken-wasm'] as const;

/**
 * A tokenizer library: `gpt-tokenizer` (pure JS, the fastest alone here), `js-tiktoken` (pure JS) or
 * `tiktoken-wasm` (`@dqbd/tiktoken`, tiktoken's Rust core compiled to WebAssembly).
 */
export type TokenizerBackend = (typeof TOKENIZER_BACKENDS)[number];

/** The encoding used when none is given. */
export const DEFAULT_ENCODING: Encoding = 'o200k_base';

/** The backend used when none is given: the fastest library alone in `bench/context`, and the quickest to load. */
export const DEFAULT_BACKEND: TokenizerBackend = 'gpt-tokenizer';

/** Which tokenizer to count with. */
export interface TokenizerChoice {
  /** The encoding; default `o200k_base`. */
  encoding?: Encoding;
  /** The library; default `gpt-tokenizer`. */
  backend?: TokenizerBackend;
}

/**
 * A task's context: named fields. String fields (file contents, docs, logs) may be compressed; other values
 * are kept as they are.
 */
export type Context = Readonly<Record<string, unknown>>;

/**
 * How compression is configured on the coordinator and per task.
 */
export interface CompressionSettings {
  /** Whether to compress at all; when false the context is only counted. */
  enableCompression: boolean;
  /** Share of the context's tokens to keep, in (0, 1]. */
  compressionRatio: number;
  /** Hard ceiling on the context's tokens after compression. */
  maxContextTokens?: number;
  /** Encoding the budget is measured with. */
  encoding: Encoding;
  /** Library that counts. */
  backend: TokenizerBackend;
}

/** The settings used where none are given. */
export const DEFAULT_COMPRESSION_SETTINGS: Readonly<CompressionSettings> = {
  enableCompression: true,
  compressionRatio: 0.5,
  encoding: DEFAULT_ENCODING,
  backend: DEFAULT_BACKEND,
};

/**
 * What compression did to one context. Token counts are the sum over fields of the tokens of each field's
 * text (a string as it is, any other value as `JSON.stringify` renders it); keys are not counted.
 */
export interface ContextReport {
  /** Tokens before compression. */
  originalTokens: number;
  /** Tokens after compression; never more than the budget. */
  keptTokens: number;
  /** `keptTokens / originalTokens` (1 for an empty context). */
  ratio: number;
  /** Per field, the strategies applied, e.g. `['code:strip-comments', 'code:fold-bodies']`. */
  strategies: Record<string, string[]>;
}

/** One problem found in compression settings. */
export interface SettingsProblem {
  /** The offending setting, prefixed with where it was given, e.g. `tasks[2].compressionRatio`. */
  field: string;
  /** What is wrong and what is allowed. */
  message: string;
}
