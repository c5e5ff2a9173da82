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

interface LanguageTools {
  parser: Parser;
  /** The node types the outline looks at that this grammar has; found in one pass inside WebAssembly. */
  types: string[];
}

let runtime: Promise<void> | undefined;
const tools = new Map<CodeLanguage, Promise<LanguageTools>>();

function toolsFor(language: CodeLanguage): Promise<LanguageTools> {
  let loaded = tools.get(language);
  if (loaded === undefined) {
    runtime ??= Parser.init();
    loaded = runtime.then(async () => {
      const grammar = await Language.load(join(grammarDir, GRAMMAR_FILES[language]));
      const parser = new Parser();
      parser.setLanguage(grammar);
      const types = ['comment', ...FUNCTIONS, ...Object.keys(VALUE_HOLDERS), ...Object.keys(TYPE_HOLDERS)];
      return { parser, types: types.filter((type) => grammar.idForNodeType(type, true) !== null) };
    });
    tools.set(language, loaded);
  }
  return loaded;
}

/**
 * The thread's tree-sitter parser for a language, created on first use and reused.
 *
 * @param language - The language.
 */
export async function parserFor(language: CodeLanguage): Promise<Parser> {
  return (await toolsFor(language)).parser;
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

const spanOf = (node: Node): Span => ({ start: node.startIndex, end: node.endIndex });

/** The child a node holds in a field, with its type, if it is large enough to fold. */
function largeChild(node: Node, field: string | undefined): (Span & { type: string }) | undefined {
  const child = field === undefined ? null : node.childForFieldName(field);
  if (child === null) return undefined;
  // Each property of a node but its start is a call into WebAssembly: each is read once.
  const span = spanOf(child);
  return span.end - span.start >= MIN_FOLDED_VALUE ? { ...span, type: child.type } : undefined;
}

/** Keeps the spans not inside an earlier one (spans come in document order). */
function outermost<T extends Span>(spans: readonly T[]): T[] {
  const kept: T[] = [];
  let end = -1;
  for (const span of spans) {
    if (span.start < end) continue;
    kept.push(span);
    end = span.end;
  }
  return kept;
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
  const { parser, types } = await toolsFor(language);
  const outline: CodeOutline = { comments: [], bodies: [], literals: [], types: [], droppable: [] };
  const tree = parser.parse(source);
  if (tree === null) return outline;
  try {
    const bodies: FoldableBody[] = [];
    const literals: FoldableValue[] = [];
    const definitions: FoldableValue[] = [];
    // Nodes come in document order; those starting before bodyEnd lie inside a body already folded.
    let bodyEnd = -1;
    for (const node of tree.rootNode.descendantsOfType(types)) {
      if (node === null) continue;
      const type = node.type;
      if (type === 'comment') {
        outline.comments.push(spanOf(node));
        continue;
      }
      if (node.startIndex < bodyEnd) continue;
      const body = FUNCTIONS.has(type) ? largeChild(node, 'body') : undefined;
      if (body !== undefined) {
        const placeholder = BLOCKS.has(body.type) ? BLOCK_PLACEHOLDER[language] : '…';
        bodies.push({ start: body.start, end: body.end, owner: spanOf(node), placeholder });
        bodyEnd = body.end;
        continue;
      }
      const value = largeChild(node, VALUE_HOLDERS[type]);
      // Functions keep their signatures: their bodies are folded instead.
      if (value !== undefined && !FUNCTIONS.has(value.type)) {
        literals.push({ start: value.start, end: value.end, placeholder: PLACEHOLDERS[value.type] ?? '…' });
      }
      const definition = largeChild(node, TYPE_HOLDERS[type]);
      if (definition !== undefined) {
        const { start, end } = definition;
        definitions.push({ start, end, placeholder: PLACEHOLDERS[definition.type] ?? '…' });
      }
    }
    outline.comments.sort((a, b) => a.start - b.start);
    outline.bodies = bodies;
    outline.literals = outermost(literals);
    outline.types = outermost(definitions);
    for (const statement of tree.rootNode.namedChildren) {
      if (statement !== null && isDroppable(statement, language)) outline.droppable.push(spanOf(statement));
    }
    return outline;
  } finally {
    tree.delete();
  }
}
