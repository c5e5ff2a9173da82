/**
 * What every field compressor takes and returns.
 *
 * @module
 */
import type { CountTokens } from '../tokenizer/tokenizer.js';
import type { TokenMap } from './token-map.js';

/** Inputs shared by the field compressors. */
export interface FieldCompressionInput {
  /** The field's text. */
  text: string;
  /** Its exact count and stretch estimates. */
  map: TokenMap;
  /** Tokens the result may have at most. */
  budget: number;
  /** Terms of the task description, to keep what is relevant. */
  query: ReadonlySet<string>;
  /** Counts exactly, uncached: drafts are counted once. */
  count: CountTokens;
}

/** A compressed field. */
export interface FieldCompression {
  /** The compressed text. */
  text: string;
  /** Its exact token count, never above the budget. */
  tokens: number;
  /** Strategies applied, in order. */
  strategies: string[];
}
