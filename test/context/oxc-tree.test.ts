import { describe, expect, it } from 'vitest';
import { treeSitterOutline } from '../../src/context/compression/code-outline.js';
import { oxcOutline } from '../../src/context/compression/oxc-outline.js';
import { OxcTree } from '../../src/context/compression/oxc-tree.js';

const binding = (await import('oxc-parser/src-js/bindings' as string)) as {
  parseSync(filename: string, source: string, options: object): { program: string };
};

const treeOf = (source: string): OxcTree => {
  const { program } = binding.parseSync('source.ts', source, { lang: 'ts', astType: 'js' });
  const tree = OxcTree.read(program);
  if (tree === undefined) throw new Error('unreadable tree');
  return tree;
};

describe('oxc tree read from JSON', () => {
  it('gives each node its type, span and parent, in document order', () => {
    const source = 'const a = { m() { return 1; }, q };\n';
    const tree = treeOf(source);
    expect(tree.types.slice(0, 5)).toEqual([
      'Program',
      'VariableDeclaration',
      'VariableDeclarator',
      'Identifier',
      'ObjectExpression',
    ]);
    const object = tree.types.indexOf('ObjectExpression');
    expect(source.slice(tree.starts[object], tree.ends[object])).toBe('{ m() { return 1; }, q }');
    const [method, shorthand] = tree.types.flatMap((type, node) => (type === 'Property' ? [node] : []));
    expect(tree.parents[method!]).toBe(object);
    expect(tree.after[object]).toBe(tree.size);
    expect(tree.types[tree.child(method!, 'value')]).toBe('FunctionExpression');
    expect(tree.child(method!, 'body')).toBe(-1);
    expect(tree.scalar(method!, 'method')).toBe('true');
    expect(tree.scalar(method!, 'kind')).toBe('"init"');
    expect(tree.scalar(shorthand!, 'shorthand')).toBe('true');
    expect(tree.scalar(method!, 'nothing')).toBeUndefined();
  });

  it('is not misled by strings, templates and regular expressions that look like its JSON', () => {
    const marker = '{"type":"Fake","start":1,"end":2}';
    const source = `const s = '${marker}', t = \`${marker}\${1}\`, r = /"start":1,"end":2}/;\nfunction f() {}\n`;
    const tree = treeOf(source);
    expect(tree.types).not.toContain('Fake');
    const fn = tree.types.indexOf('FunctionDeclaration');
    expect(source.slice(tree.starts[fn], tree.ends[fn])).toBe('function f() {}');
    const literal = tree.types.indexOf('Literal');
    expect(tree.scalar(literal, 'value')?.startsWith('"')).toBe(true);
  });

  it('reads JSX, whose text may hold quotes, braces and what looks like its JSON', async () => {
    const pad = 'x'.repeat(60);
    const source = `export function App({ items }) {
  const style = { color: 'red', margin: 4, padding: '${pad}' };
  return <div style={style} data-x='{"type":"Fake","start":1,"end":2}'>
    {items.map((item) => <span key={item}>{item} "quoted" {'{'} text {'}'}</span>)}
    <p>Text "start":1,"end":2{'}'} and {'{ braces }'}</p>
  </div>;
}
const Other = () => <>{\`${pad}\${1}\`}</>;
`;
    for (const language of ['javascript', 'tsx'] as const) {
      const fromOxc = await oxcOutline(source, language);
      expect(fromOxc?.bodies).toHaveLength(2);
      expect({ ...fromOxc }).toEqual(await treeSitterOutline(source, language));
    }
  });

  it('refuses JSON of another form', () => {
    expect(OxcTree.read('{"node":{"type":"Program","body":[]}}')).toBeUndefined();
    expect(OxcTree.read('{"node":{"type":"Program","start":0,"end":0}},"start":0,"end":0}')).toBeUndefined();
    expect(OxcTree.read('{}')).toBeUndefined();
  });

  it('outlines every construct as tree-sitter does', async () => {
    const pad = 'x'.repeat(60);
    const source = `#!/usr/bin/env node
import { a } from './a.js';
/** Doc. */
export const table = { one: '${pad}', two: [1, 2, 3, '${pad}'], run() { return '${pad}'; } };
const helper = { get size() { return '${pad}'.length; }, set size(v) { void v, '${pad}'; }, f: function () { return '${pad}'; } };
const { one, two = '${pad}' } = table;
class Store { items = ['${pad}', '${pad}']; static load(path: string) { return path + '${pad}'; } }
abstract class Base { abstract run(): void; go() { return '${pad}' + '${pad}'; } }
interface Options { name: string; size: number; flags: string[]; more: { deep: boolean; deeper: number } }
type Pair = { left: string; right: string; middle: number; others: string[]; rest: unknown };
enum Colour { Red = 'red', Green = 'green', Blue = 'blue', Yellow = 'yellow', Purple = 'purple' }
declare const ambient: { value: number; other: string; more: boolean; evenMore: unknown[]; x: 1 };
const arrow = (value: number) => value * 2 + '${pad}'.length + '${pad}'.length;
const template = \`${pad}\${arrow(1)}${pad}\`;
module.exports = helper;
`;
    for (const language of ['typescript', 'tsx'] as const) {
      const fromOxc = await oxcOutline(source, language);
      expect({ ...fromOxc }).toEqual(await treeSitterOutline(source, language));
      const found = Object.values({ ...fromOxc }).map((spans) => spans.length);
      // Comments, bodies, values, types, droppable statements: each rule is exercised.
      expect(found.every((count) => count > 0)).toBe(true);
    }
  });
});
