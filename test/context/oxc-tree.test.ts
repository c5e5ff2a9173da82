import { describe, expect, it } from 'vitest';
import { treeSitterOutline } from '../../src/context/compression/code-outline.js';
import { oxcOutline } from '../../src/context/compression/oxc-outline.js';
import { loadOxcTrees, type OxcNode, type ReadOxcTree } from '../../src/context/compression/oxc-tree.js';

const readTree = (await loadOxcTrees()) as ReadOxcTree;
const typeOf = (node: OxcNode): string => node.constructor.name;

/** Each visited node of the given types as its type and text, in the order visited. */
function visited(source: string, types: string[]): string[] {
  const seen: string[] = [];
  const record = (node: OxcNode) => seen.push(`${typeOf(node)} ${source.slice(node.start, node.end)}`);
  const result = readTree(source, 'ts', (tree) =>
    tree.visit(Object.fromEntries(types.map((type) => [type, record]))),
  );
  expect(result).toBeUndefined();
  return seen;
}

describe('oxc tree read in place', () => {
  it('is available here', () => {
    expect(readTree).toBeTypeOf('function');
  });

  it('visits the nodes of the types asked for, in document order, with their spans', () => {
    const source = 'const a = { m() { return 1; }, q };\nfunction f(x: number) { return () => x; }\n';
    expect(visited(source, ['Function', 'ArrowFunctionExpression', 'ObjectProperty'])).toEqual([
      'ObjectProperty m() { return 1; }',
      'Function () { return 1; }',
      'ObjectProperty q',
      'Function function f(x: number) { return () => x; }',
      'ArrowFunctionExpression () => x',
    ]);
  });

  it('gives spans in UTF-16 units on text that is not ASCII', () => {
    const source = "const s = '日本語 😀 ünïcödé';\nfunction after() { return '→'; }\n";
    expect(visited(source, ['Function', 'StringLiteral'])).toEqual([
      "StringLiteral '日本語 😀 ünïcödé'",
      "Function function after() { return '→'; }",
      "StringLiteral '→'",
    ]);
  });

  it('gives comments, top-level statements and errors', () => {
    const source = "'use client';\n// one\nimport a from 'a';\n/* two */ export const b = a;\n";
    const read = readTree(source, 'ts', (tree) => ({
      comments: Array.from(tree.comments, (node) => source.slice(node.start, node.end)),
      statements: Array.from(tree.statements, typeOf),
      hasErrors: tree.hasErrors,
    }));
    expect(read).toEqual({
      comments: ['// one', '/* two */'],
      // Directives are not statements.
      statements: ['ImportDeclaration', 'ExportDeclaration'],
      hasErrors: false,
    });
    expect(readTree('const = ;', 'ts', (tree) => tree.hasErrors)).toBe(true);
  });

  it('reads each parse afresh and lets no node outlive its callback', () => {
    const first = 'function one() {}\n'.repeat(50);
    const second = 'const two = 2;\n';
    let kept: OxcNode | undefined;
    readTree(first, 'jsx', (tree) => {
      tree.visit({ Function: (node) => (kept ??= node) });
    });
    expect(visited(second, ['Function', 'VariableDeclarator'])).toEqual(['VariableDeclarator two = 2']);
    expect(() => kept?.start).toThrow();
    expect(visited(first, ['Function'])).toHaveLength(50);
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
