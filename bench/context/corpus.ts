/**
 * Real text none of us wrote, read from installed npm packages: source code and documentation. Shared by the
 * context engine's tests and its benchmark.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A document of the corpus: where it came from and its text. */
export interface CorpusDocument {
  /** Path relative to `node_modules`, e.g. `piscina/README.md`. */
  path: string;
  /** Its contents. */
  text: string;
}

// Compiled into dist/bench/context, the package folder is one level further up.
const compiled = import.meta.url.endsWith('.js');
const root = new URL(compiled ? '../../../node_modules/' : '../../node_modules/', import.meta.url);

function read(path: string): CorpusDocument {
  return { path, text: readFileSync(new URL(path, root), 'utf8') };
}

/** Package documentation: READMEs and a changelog, mostly English prose with some code blocks. */
export const PROSE_PATHS = [
  'piscina/README.md',
  'commander/Readme.md',
  'fast-check/README.md',
  'picomatch/README.md',
  'json2csv/README.md',
  'json2csv/CHANGELOG.md',
  'source-map-js/README.md',
  'common-tags/readme.md',
  'expect-type/README.md',
  'type-fest/readme.md',
] as const;

/** TypeScript sources shipped by gpt-tokenizer. */
function typeScriptPaths(): string[] {
  const dir = 'gpt-tokenizer/src';
  return readdirSync(new URL(`${dir}/`, root))
    .filter((name) => name.endsWith('.ts') && !/\.(test|gen|d)\.ts$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** The documentation corpus. */
export function proseCorpus(): CorpusDocument[] {
  return PROSE_PATHS.map(read);
}

/** TypeScript and JavaScript sources, keyed by their paths so that file-path detection applies. */
export function codeCorpus(): CorpusDocument[] {
  return [
    ...typeScriptPaths().map(read),
    read('yaml/dist/compose/resolve-block-scalar.js'),
    read('yaml/dist/stringify/stringifyString.js'),
    read('commander/index.js'),
    read('piscina/dist/index.js'),
  ];
}

/** TypeScript declaration files with long doc comments (the standard library's). */
export function declarationCorpus(): CorpusDocument[] {
  return ['typescript/lib/lib.es5.d.ts', 'typescript/lib/lib.dom.d.ts'].map(read);
}

/** Concatenated corpus text of about `bytes` UTF-16 units, mixing code and prose. */
export function mixedText(bytes: number): string {
  const documents = [...codeCorpus(), ...proseCorpus(), ...declarationCorpus()];
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `${documents[i % documents.length]!.text}\n`;
  return text.slice(0, bytes);
}
