/**
 * Outlines JavaScript and TypeScript with oxc's native parser, several times faster than tree-sitter's WASM
 * grammars. Its ESTree is read from the JSON text without building it (see {@link OxcTree}) and walked once,
 * its node types translated to the tree-sitter names the outline's rules use, so that both parsers outline
 * alike.
 *
 * @module
 */
import type { ParserOptions } from 'oxc-parser';
import type { CodeLanguage } from './field-kind.js';
import {
  type CodeOutline,
  type CodeStructure,
  isDroppableStatement,
  lazyOutline,
  MIN_FOLDED_VALUE,
  placeholderOf,
  type Span,
  structureOf,
} from './outline.js';
import { OxcTree } from './oxc-tree.js';

/** What the outline reads of oxc's native binding's result: the tree as JSON text, comments and errors. */
interface OxcParse {
  readonly program: string;
  readonly comments: readonly Span[];
  readonly errors: readonly unknown[];
}

type ParseSync = (filename: string, source: string, options: ParserOptions) => OxcParse;

// The binding's module, exported by the package: its `program` is JSON text, which the package's own
// `parseSync` would turn into objects.
const BINDING = 'oxc-parser/src-js/bindings';

let loaded: Promise<ParseSync | undefined> | undefined;

/** oxc's parser, loaded on first use; undefined where its native binary is missing (tree-sitter then does all). */
function loadOxc(): Promise<ParseSync | undefined> {
  loaded ??= import(BINDING).then(
    ({ parseSync }: { parseSync: ParseSync }) => parseSync,
    () => undefined,
  );
  return loaded;
}

const LANGUAGES: Partial<Record<CodeLanguage, 'ts' | 'tsx' | 'jsx'>> = {
  typescript: 'ts',
  tsx: 'tsx',
  // Like tree-sitter's JavaScript grammar, take JSX in any JavaScript.
  javascript: 'jsx',
};

// ESTree node types under the tree-sitter names of the outline's rules; the rest need no name.
const TREE_SITTER_NAMES: Record<string, string> = {
  ObjectExpression: 'object',
  ArrayExpression: 'array',
  TemplateLiteral: 'template_string',
  TSTypeLiteral: 'object_type',
  TSMappedType: 'object_type',
  TSInterfaceBody: 'interface_body',
  TSEnumBody: 'enum_body',
  ImportDeclaration: 'import_statement',
  TSImportEqualsDeclaration: 'import_statement',
  ExportNamedDeclaration: 'export_statement',
  ExportDefaultDeclaration: 'export_statement',
  ExportAllDeclaration: 'export_statement',
  TSExportAssignment: 'export_statement',
  TSNamespaceExportDeclaration: 'export_statement',
  TSInterfaceDeclaration: 'interface_declaration',
  TSTypeAliasDeclaration: 'type_alias_declaration',
  TSEnumDeclaration: 'enum_declaration',
  TSModuleDeclaration: 'module',
};

function nameOf(tree: OxcTree, node: number): string {
  const type = tree.types[node]!;
  if (type === 'Literal') return tree.scalar(node, 'value')?.startsWith('"') ? 'string' : 'literal';
  return TREE_SITTER_NAMES[type] ?? type;
}

const AMBIENT_KINDS = new Set([
  'VariableDeclaration',
  'FunctionDeclaration',
  'TSDeclareFunction',
  'ClassDeclaration',
]);
const AMBIENT = /^declare\s/;

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const METHODS = new Set(['MethodDefinition', 'TSAbstractMethodDefinition']);

/** The function a node is or defines (a method defines its value), if any; else -1. */
function functionOf(tree: OxcTree, node: number): number {
  const type = tree.types[node]!;
  if (FUNCTIONS.has(type)) return node;
  if (METHODS.has(type)) return tree.child(node, 'value');
  if (type !== 'Property') return -1;
  // A property defines a function if it is a method or accessor, whose value is always a function expression;
  // its flags are read only then.
  const value = tree.child(node, 'value');
  const method =
    value >= 0 &&
    tree.types[value] === 'FunctionExpression' &&
    (tree.scalar(node, 'method') === 'true' || tree.scalar(node, 'kind') !== '"init"');
  return method ? value : -1;
}

/** The value a node holds, as tree-sitter's value holders do: declarators, class fields, object properties. */
function heldValue(tree: OxcTree, node: number): number {
  const type = tree.types[node]!;
  if (type === 'VariableDeclarator') return tree.child(node, 'init');
  if (type === 'PropertyDefinition') return tree.child(node, 'value');
  // An object pattern's properties are bindings, not values.
  const pair =
    type === 'Property' &&
    tree.types[tree.parents[node]!] === 'ObjectExpression' &&
    tree.scalar(node, 'shorthand') !== 'true';
  return pair ? tree.child(node, 'value') : -1;
}

/** The definition a type declaration holds: an interface's or enum's body, a type alias's type; else -1. */
function definedType(tree: OxcTree, node: number): number {
  const type = tree.types[node]!;
  if (type === 'TSInterfaceDeclaration' || type === 'TSEnumDeclaration') return tree.child(node, 'body');
  return type === 'TSTypeAliasDeclaration' ? tree.child(node, 'typeAnnotation') : -1;
}

const isLarge = (tree: OxcTree, node: number): boolean =>
  node >= 0 && tree.ends[node]! - tree.starts[node]! >= MIN_FOLDED_VALUE;

const spanOf = (tree: OxcTree, node: number): Span => ({ start: tree.starts[node]!, end: tree.ends[node]! });

/** Walks the tree in document order, skipping functions whose bodies fold. */
function walk(tree: OxcTree, found: CodeStructure): void {
  for (let node = 0; node < tree.size; ) {
    const fn = functionOf(tree, node);
    const body = fn < 0 ? -1 : tree.child(fn, 'body');
    if (isLarge(tree, body)) {
      const placeholder = tree.types[body] === 'BlockStatement' ? '{ … }' : '…';
      found.bodies.push({ ...spanOf(tree, body), owner: spanOf(tree, node), placeholder });
      node = tree.after[node]!;
      continue;
    }
    const value = heldValue(tree, node);
    // Functions keep their signatures: their bodies are folded instead.
    if (isLarge(tree, value) && !FUNCTIONS.has(tree.types[value]!)) {
      found.literals.push({ ...spanOf(tree, value), placeholder: placeholderOf(nameOf(tree, value)) });
    }
    const definition = definedType(tree, node);
    if (isLarge(tree, definition)) {
      found.types.push({ ...spanOf(tree, definition), placeholder: placeholderOf(nameOf(tree, definition)) });
    }
    node++;
  }
}

/** Adds the program's top-level statements that may be dropped. */
function findDroppable(tree: OxcTree, source: string, found: CodeStructure): void {
  for (let statement = 1; statement < tree.size; statement = tree.after[statement]!) {
    const type = tree.types[statement]!;
    // oxc gives a hashbang line as the program's own property; tree-sitter keeps it as a statement.
    if (type === 'Hashbang') continue;
    const { start, end } = spanOf(tree, statement);
    const text = source.slice(start, end);
    // That form has no `declare` flag: an ambient declaration says so at its start.
    const ambient = AMBIENT_KINDS.has(type) && AMBIENT.test(text);
    if (isDroppableStatement(ambient ? 'ambient_declaration' : nameOf(tree, statement), text)) {
      found.droppable.push({ start, end });
    }
  }
}

/**
 * Outlines JavaScript or TypeScript with oxc.
 *
 * @param source - The code.
 * @param language - Its language.
 * @returns The outline, or undefined if the language is not JavaScript or TypeScript, oxc is not available
 *   here, or the code has a syntax error (oxc's tree may then be empty; tree-sitter recovers better).
 */
export async function oxcOutline(source: string, language: CodeLanguage): Promise<CodeOutline | undefined> {
  const lang = LANGUAGES[language];
  const parseSync = lang === undefined ? undefined : await loadOxc();
  if (parseSync === undefined) return undefined;
  // The JavaScript form of the tree leaves out type annotations, a third of the JSON to read; TypeScript's
  // own declarations stay.
  const result = parseSync(`source.${lang}`, source, { lang, sourceType: 'unambiguous', astType: 'js' });
  if (result.errors.length > 0) return undefined;
  // oxc lists a hashbang line among the comments; tree-sitter keeps it as a statement.
  const hashbang = source.startsWith('#!') ? 0 : -1;
  const comments = result.comments
    .filter(({ start }) => start !== hashbang)
    .map(({ start, end }) => ({ start, end }));
  // The tree is read only if compression gets past stripping comments.
  return lazyOutline(comments, () => {
    const tree = OxcTree.read(result.program);
    // Only another release of oxc could write another form: fail loudly rather than outline wrongly.
    if (tree === undefined) throw new Error("oxc-parser's JSON tree is not in the form OxcTree reads");
    const found: CodeStructure = { bodies: [], literals: [], types: [], droppable: [] };
    walk(tree, found);
    findDroppable(tree, source, found);
    return structureOf(found);
  });
}
