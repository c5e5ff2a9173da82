/**
 * Loads the three tokenizer libraries behind one signature: text in, exact token count out.
 *
 * The libraries are loaded synchronously (through their CommonJS builds) and only when first asked for, so a
 * worker pays only for the backend it uses, and `countTokens` can stay synchronous.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { Encoding, TokenizerBackend } from '../types.js';

/** Counts the tokens of text that contains no over-long pre-tokenizer piece; special tokens are plain text. */
export type NativeCounter = (text: string) => number;

const require = createRequire(import.meta.url);

interface GptTokenizerEncoding {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

interface JsTiktoken {
  encode(text: string, allowedSpecial: string[], disallowedSpecial: string[]): number[];
}

interface JsTiktokenModule {
  Tiktoken: new (ranks: unknown) => JsTiktoken;
}

interface WasmTiktokenModule {
  get_encoding(name: Encoding): { encode_ordinary(text: string): Uint32Array };
}

const noSpecialTokens = new Set<string>();

function loadGptTokenizer(encoding: Encoding): NativeCounter {
  const api = require(`gpt-tokenizer/cjs/encoding/${encoding}`) as GptTokenizerEncoding;
  return (text) => api.countTokens(text, { disallowedSpecial: noSpecialTokens });
}

function loadJsTiktoken(encoding: Encoding): NativeCounter {
  const { Tiktoken } = require('js-tiktoken/lite') as JsTiktokenModule;
  const ranks = require(`js-tiktoken/ranks/${encoding}`) as { default?: unknown };
  const encoder = new Tiktoken(ranks.default ?? ranks);
  return (text) => encoder.encode(text, [], []).length;
}

function loadWasmTiktoken(encoding: Encoding): NativeCounter {
  // The WASM encoder lives for the whole thread, so it is never freed.
  const encoder = (require('@dqbd/tiktoken') as WasmTiktokenModule).get_encoding(encoding);
  return (text) => encoder.encode_ordinary(text).length;
}

const loaders: Record<TokenizerBackend, (encoding: Encoding) => NativeCounter> = {
  'gpt-tokenizer': loadGptTokenizer,
  'js-tiktoken': loadJsTiktoken,
  'tiktoken-wasm': loadWasmTiktoken,
};

const counters = new Map<string, NativeCounter>();

/**
 * The library's own counter for an encoding, created on first use and reused for the life of the thread.
 *
 * @param backend - The library.
 * @param encoding - The encoding.
 */
export function nativeCounter(backend: TokenizerBackend, encoding: Encoding): NativeCounter {
  const key = `${backend}/${encoding}`;
  let counter = counters.get(key);
  if (counter === undefined) {
    counter = loaders[backend](encoding);
    counters.set(key, counter);
  }
  return counter;
}
