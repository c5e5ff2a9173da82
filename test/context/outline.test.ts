import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { codeCorpus, declarationCorpus } from '../../bench/context/corpus.js';
import { outlineCode, treeSitterOutline } from '../../src/context/compression/code-outline.js';
import { type CodeLanguage, detectFieldKind } from '../../src/context/compression/field-kind.js';
import { oxcOutline } from '../../src/context/compression/oxc-outline.js';

const languageOf = (path: string): CodeLanguage => {
  const kind = detectFieldKind(path, '');
  if (kind.kind !== 'code') throw new Error(`${path} is not code`);
  return kind.language;
};

describe('code outline', () => {
  it('is the same from oxc as from tree-sitter on JavaScript and TypeScript', async () => {
    for (const { path, text } of [...codeCorpus(), ...declarationCorpus()]) {
      const language = languageOf(path);
      const fromOxc = await oxcOutline(text, language);
      expect(fromOxc, path).toBeDefined();
      expect(fromOxc, path).toEqual(await treeSitterOutline(text, language));
    }
  });

  it('is what tree-sitter gives for code oxc cannot parse whole: cut short, broken, or Python', async () => {
    // Cut mid-comment, as a context's head of a long file may be: oxc outlines the declarations before the
    // last one, tree-sitter the rest.
    const cut = declarationCorpus()[0]!.text.slice(0, 100_000);
    expect(await oxcOutline(cut, 'typescript')).toBeUndefined();
    const outline = await outlineCode(cut, 'typescript');
    expect(outline).toEqual(await treeSitterOutline(cut, 'typescript'));
    expect(outline.comments.length).toBeGreaterThan(100);
    // A syntax error halfway: tree-sitter alone.
    const source = codeCorpus().find((document) => document.path.endsWith('GptEncoding.ts'))!.text;
    const middle = source.indexOf('\n', source.length >> 1) + 1;
    const broken = `${source.slice(0, middle)}const = ;\n${source.slice(middle)}`;
    expect(await outlineCode(broken, 'typescript')).toEqual(await treeSitterOutline(broken, 'typescript'));
    const python = 'def load(path):\n    # Read it all.\n    return open(path).read()\n';
    expect(await oxcOutline(python, 'python')).toBeUndefined();
    expect((await outlineCode(python, 'python')).comments).toHaveLength(1);
  });

  it('is the same for a whole file without a final line break, which is first taken as cut short', async () => {
    for (const { path, text } of [...codeCorpus(), ...declarationCorpus()]) {
      const language = languageOf(path);
      const unterminated = text.trimEnd();
      const whole = await oxcOutline(unterminated, language);
      expect(whole, path).toBeDefined();
      const outline = await outlineCode(unterminated, language);
      expect({ ...outline }, path).toEqual({ ...whole });
    }
  });

  it('parses declaration files with oxc, where declarations may have no value', async () => {
    const pad = 'x'.repeat(60);
    const declarations = `/** The version. */
export declare const version: string;
export const defaults: { name: string; size: number; flags: string[]; more: { deep: boolean } };
export function encode(text: string, options?: { allowedSpecial?: Set<string>; ${pad}?: number }): number[];
export interface Options { name: string; size: number; flags: string[]; more: { deep: boolean; x: 1 } }
`;
    const outline = await oxcOutline(declarations, 'typescript');
    expect(outline).toBeDefined();
    expect({ ...outline }).toEqual(await treeSitterOutline(declarations, 'typescript'));
    expect(outline!.comments).toHaveLength(1);
    expect(outline!.types).toHaveLength(1);
  });

  it('parses with oxc on worker threads too', async () => {
    const module = new URL('../../dist/src/context/compression/oxc-outline.js', import.meta.url).href;
    const script = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(module)})
        .then(({ oxcOutline }) => oxcOutline('/** Doc. */\\nexport const answer = 42;', 'typescript'))
        .then((outline) => parentPort.postMessage(outline?.comments ?? null));`;
    const worker = new Worker(script, { eval: true });
    const comments = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(comments).toEqual([{ start: 0, end: 11 }]);
  });
});
