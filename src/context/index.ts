/**
 * The context engine's public surface: exact token counting, context compression to a budget, and the entry
 * the worker pipeline calls.
 *
 * @module
 */
export { type CompressedContext, type CompressOptions, compressContext } from './compress-context.js';
export { ContextEngineError, type TokenLimitDetails, TokenLimitError } from './errors.js';
export type { CacheStats } from './lru-cache.js';
export {
  type PrepareContextOptions,
  type PreparedContext,
  prepareContext,
  validateCompressionSettings,
} from './prepare.js';
export { type BulkCountOptions, countTokensBulk, TokenCountPool } from './tokenizer/bulk.js';
export { countTokens, getTokenizer, type Tokenizer } from './tokenizer/tokenizer.js';
export {
  type CompressionSettings,
  type Context,
  type ContextReport,
  DEFAULT_BACKEND,
  DEFAULT_COMPRESSION_SETTINGS,
  DEFAULT_ENCODING,
  ENCODINGS,
  type Encoding,
  type SettingsProblem,
  TOKENIZER_BACKENDS,
  type TokenizerBackend,
  type TokenizerChoice,
} from './types.js';
