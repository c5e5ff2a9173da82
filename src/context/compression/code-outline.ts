/**
 * Parses source code with tree-sitter (WASM grammars, loaded once per thread) and outlines what compression
 * may touch: comments, function bodies that can be folded, and top-level declarations that may be dropped.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';
import type { CodeLanguage } from './field-kind.js';

const GRAMMAR_FILES: Record<CodeLanguage, string> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
};

const grammarDir = join(
  dirname(createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm/package.json')),
  'wasm',
);

let runtime: Promise<void> | undefined;
const parsers = new Map<CodeLanguage, Promise<Parser>>();

/**
 * The thread's tree-sitter parser for a language, created on first use and reused.
 *
 * @param language - The language.
 */
export function parserFor(language: CodeLanguage): Promise<Parser> {
  let parser = parsers.get(language);
  if (parser === undefined) {
    runtime ??= Parser.init();
    parser = runtime.then(async () => {
      const created = new Parser();
      created.setLanguage(await Language.load(join(grammarDir, GRAMMAR_FILES[language])));
      return created;
    });
    parsers.set(language, parser);
  }
  return parser;
}

/** A stretch of the source, by UTF-16 offsets. */
export interface Span {
  /** First unit. */
  start: number;
  /** Just past the last unit. */
  end: number;
}

/** A value or type definition that can be folded, leaving its name: `const table = { … }`. */
export interface FoldableValue extends Span {
  /** What replaces it: `{ … }`, `[ … ]` or `…`. */
  placeholder: string;
}

/** A function or method body that can be folded away, leaving the signature. */
export interface FoldableBody extends FoldableValue {
  /** The whole function, signature included: what relevance is judged on. */
  owner: Span;
}

/** A top-level statement that is neither an import, nor exported, nor a type: droppable as a last resort. */
export type DroppableDeclaration = Span;

/** What compression may remove from a source file. */
export interface CodeOutline {
  /** Comments, in order. */
  comments: Span[];
  /** Outermost function and method bodies, in order. */
  bodies: FoldableBody[];
  /** Large values (initializers, fields) outside function bodies, in order. */
  literals: FoldableValue[];
  /** Type definitions (interface and enum bodies, type alias values), in order. */
  types: FoldableValue[];
  /** Droppable top-level statements, in order. */
  droppable: DroppableDeclaration[];
}

const FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
  'method_definition',
  'function_definition',
]);
const BLOCKS = new Set(['statement_block', 'block']);
const BLOCK_PLACEHOLDER: Record<CodeLanguage, string> = {
  typescript: '{ … }',
  tsx: '{ … }',
  javascript: '{ … }',
  python: '...',
};
const ALWAYS_KEPT = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'export_statement',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
  'ambient_declaration',
  'module',
  'internal_module',
  'comment',
  'hash_bang_line',
]);
// Values worth folding, by the node types that hold them and the field that holds the value.
const VALUE_HOLDERS: Record<string, string> = {
  variable_declarator: 'value',
  public_field_definition: 'value',
  field_definition: 'value',
  assignment: 'right',
  pair: 'value',
};
const TYPE_HOLDERS: Record<string, string> = {
  interface_declaration: 'body',
  type_alias_declaration: 'value',
  enum_declaration: 'body',
};
const PLACEHOLDERS: Record<string, string> = {
  object: '{ … }',
  dictionary: '{ … }',
  object_type: '{ … }',
  interface_body: '{ … }',
  enum_body: '{ … }',
  array: '[ … ]',
  list: '[ … ]',
  tuple: '( … )',
  set: '{ … }',
  string: "'…'",
  template_string: '`…`',
};
/** Values shorter than this are not worth a placeholder. */
const MIN_FOLDED_VALUE = 48;

function foldableValue(node: Node, holders: Record<string, string>): FoldableValue | undefined {
  const field = holders[node.type];
  const value = field === undefined ? null : node.childForFieldName(field);
  if (value === null || value.endIndex - value.startIndex < MIN_FOLDED_VALUE) return undefined;
  // Functions keep their signatures: their bodies are folded instead.
  if (FUNCTIONS.has(value.type)) return undefined;
  return { start: value.startIndex, end: value.endIndex, placeholder: PLACEHOLDERS[value.type] ?? '…' };
}

// CommonJS exports and 'use strict' are kept like ES exports.
const KEPT_STATEMENT = /^\s*(?:(?:module\.)?exports\b|['"]use strict['"])/;

function isDroppable(node: Node, language: CodeLanguage): boolean {
  if (ALWAYS_KEPT.has(node.type)) return false;
  if (language === 'python') {
    // Python has no export keyword: public module-level names are the interface.
    const definition = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
    const name = definition?.childForFieldName('name')?.text;
    if (name !== undefined) return name.startsWith('_');
    return node.type !== 'expression_statement' || node.text.trimStart().startsWith('_');
  }
  return !KEPT_STATEMENT.test(node.text);
}

/**
 * Outlines a source file.
 *
 * @param source - The code.
 * @param language - Its language.
 */
export async function outlineCode(source: string, language: CodeLanguage): Promise<CodeOutline> {
  const parser = await parserFor(language);
  const tree = parser.parse(source);
  const outline: CodeOutline = { comments: [], bodies: [], literals: [], types: [], droppable: [] };
  if (tree === null) return outline;
  try {
    const visit = (node: Node, insideBody: boolean): void => {
      if (node.type === 'comment') {
        outline.comments.push({ start: node.startIndex, end: node.endIndex });
        return;
      }
      if (!insideBody) {
        const literal = foldableValue(node, VALUE_HOLDERS);
        if (literal !== undefined) outline.literals.push(literal);
        const type = foldableValue(node, TYPE_HOLDERS);
        if (type !== undefined) outline.types.push(type);
      }
      const body = FUNCTIONS.has(node.type) ? node.childForFieldName('body') : null;
      const folds = !insideBody && body !== null && body.endIndex - body.startIndex >= MIN_FOLDED_VALUE;
      if (folds) {
        outline.bodies.push({
          start: body.startIndex,
          end: body.endIndex,
          owner: { start: node.startIndex, end: node.endIndex },
          placeholder: BLOCKS.has(body.type) ? BLOCK_PLACEHOLDER[language] : '…',
        });
      }
      for (const child of node.children) {
        if (child !== null) visit(child, insideBody || (folds && child.startIndex >= body.startIndex));
      }
    };
    visit(tree.rootNode, false);
    for (const statement of tree.rootNode.namedChildren) {
      if (statement !== null && isDroppable(statement, language)) {
        outline.droppable.push({ start: statement.startIndex, end: statement.endIndex });
      }
    }
    return outline;
  } finally {
    tree.delete();
  }
}
