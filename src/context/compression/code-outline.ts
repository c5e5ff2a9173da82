/**
 * Outlines source code: what compression may touch (comments, function bodies that can be folded, large
 * values, type definitions, top-level declarations that may be dropped). JavaScript and TypeScript go to oxc's
 * native parser, several times faster; Python, code oxc cannot parse whole (a file cut mid-comment) and
 * platforms without oxc's binary go to tree-sitter (WASM grammars, loaded once per thread).
 *
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';
import type { CodeLanguage } from './field-kind.js';
import {
  ALWAYS_KEPT,
  type CodeOutline,
  isDroppableStatement,
  MIN_FOLDED_VALUE,
  outlineOf,
  placeholderOf,
  type Span,
} from './outline.js';
import { oxcOutline } from './oxc-outline.js';

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
const spanOf = (node: Node): Span => ({ start: node.startIndex, end: node.endIndex });

/** The child a node holds in a field, with its type, if it is large enough to fold. */
function largeChild(node: Node, field: string | undefined): (Span & { type: string }) | undefined {
  const child = field === undefined ? null : node.childForFieldName(field);
  if (child === null) return undefined;
  // Each property of a node but its start is a call into WebAssembly: each is read once.
  const span = spanOf(child);
  return span.end - span.start >= MIN_FOLDED_VALUE ? { ...span, type: child.type } : undefined;
}

function isDroppable(node: Node, language: CodeLanguage): boolean {
  if (language !== 'python') return isDroppableStatement(node.type, node.text);
  if (ALWAYS_KEPT.has(node.type)) return false;
  // Python has no export keyword: public module-level names are the interface.
  const definition = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
  const name = definition?.childForFieldName('name')?.text;
  if (name !== undefined) return name.startsWith('_');
  return node.type !== 'expression_statement' || node.text.trimStart().startsWith('_');
}

/**
 * Outlines a source file with tree-sitter, whatever its language; tree-sitter outlines code with syntax errors
 * too.
 *
 * @param source - The code.
 * @param language - Its language.
 */
export async function treeSitterOutline(source: string, language: CodeLanguage): Promise<CodeOutline> {
  const { parser, types } = await toolsFor(language);
  const found: CodeOutline = { comments: [], bodies: [], literals: [], types: [], droppable: [] };
  const tree = parser.parse(source);
  if (tree === null) return found;
  try {
    // Nodes come in document order; those starting before bodyEnd lie inside a body already folded.
    let bodyEnd = -1;
    for (const node of tree.rootNode.descendantsOfType(types)) {
      if (node === null) continue;
      const type = node.type;
      if (type === 'comment') {
        found.comments.push(spanOf(node));
        continue;
      }
      if (node.startIndex < bodyEnd) continue;
      const body = FUNCTIONS.has(type) ? largeChild(node, 'body') : undefined;
      if (body !== undefined) {
        const placeholder = BLOCKS.has(body.type) ? BLOCK_PLACEHOLDER[language] : '…';
        found.bodies.push({ start: body.start, end: body.end, owner: spanOf(node), placeholder });
        bodyEnd = body.end;
        continue;
      }
      const value = largeChild(node, VALUE_HOLDERS[type]);
      // Functions keep their signatures: their bodies are folded instead.
      if (value !== undefined && !FUNCTIONS.has(value.type)) {
        found.literals.push({ start: value.start, end: value.end, placeholder: placeholderOf(value.type) });
      }
      const definition = largeChild(node, TYPE_HOLDERS[type]);
      if (definition !== undefined) {
        const { start, end } = definition;
        found.types.push({ start, end, placeholder: placeholderOf(definition.type) });
      }
    }
    for (const statement of tree.rootNode.namedChildren) {
      if (statement !== null && isDroppable(statement, language)) found.droppable.push(spanOf(statement));
    }
    return outlineOf(found);
  } finally {
    tree.delete();
  }
}

// The start of a line that opens a top-level declaration or a comment before one.
const DECLARATION_LINE =
  /\n(?=(?:export|import|const|let|var|function|async|class|abstract|interface|type|enum|declare|namespace|module)\b|@|\/[*/])/g;

/**
 * Where the last line that opens a top-level declaration starts, if it leaves at least half the source
 * before it; else 0. Top-level is judged by counting braces, strings and comments included: a guess, which
 * only decides whether oxc is tried on the head (in a bundle every line sits inside a wrapper function).
 */
function lastDeclarationLine(source: string): number {
  let last = 0;
  let depth = 0;
  // The next brace of each kind not yet counted (braces are a few in a hundred characters: jump to them).
  let open = source.indexOf('{');
  let close = source.indexOf('}');
  for (const match of source.matchAll(DECLARATION_LINE)) {
    while (open !== -1 && open < match.index) {
      depth++;
      open = source.indexOf('{', open + 1);
    }
    while (close !== -1 && close < match.index) {
      depth--;
      close = source.indexOf('}', close + 1);
    }
    if (depth === 0) last = match.index + 1;
  }
  return last >= source.length / 2 ? last : 0;
}

/** The outline of `head + tail`, from the outlines of each. */
function joined(head: CodeOutline, tail: CodeOutline, offset: number): CodeOutline {
  const shift = <T extends Span>(span: T): T => ({
    ...span,
    start: span.start + offset,
    end: span.end + offset,
  });
  return {
    comments: [...head.comments, ...tail.comments.map(shift)],
    bodies: [...head.bodies, ...tail.bodies.map((body) => ({ ...shift(body), owner: shift(body.owner) }))],
    literals: [...head.literals, ...tail.literals.map(shift)],
    types: [...head.types, ...tail.types.map(shift)],
    droppable: [...head.droppable, ...tail.droppable.map(shift)],
  };
}

/** The outline of a file from oxc on its head (up to its last top-level declaration) and tree-sitter on the rest. */
async function headAndTail(source: string, language: CodeLanguage): Promise<CodeOutline | undefined> {
  const cut = lastDeclarationLine(source);
  const head = cut > 0 ? await oxcOutline(source.slice(0, cut), language) : undefined;
  return head === undefined
    ? undefined
    : joined(head, await treeSitterOutline(source.slice(cut), language), cut);
}

/**
 * Outlines a source file: with oxc if it is JavaScript or TypeScript that oxc parses without error, else with
 * tree-sitter. A file cut short (a context often holds the head of a long file) fails to parse only in its
 * last declaration: oxc outlines the declarations before that one and tree-sitter the rest. A file that does
 * not end with a line break was most likely cut short, so its head is tried first, sparing a parse of the
 * whole that would fail.
 *
 * @param source - The code.
 * @param language - Its language.
 */
export async function outlineCode(source: string, language: CodeLanguage): Promise<CodeOutline> {
  const cutShort = !source.endsWith('\n');
  if (cutShort) {
    const split = await headAndTail(source, language);
    if (split !== undefined) return split;
  }
  const whole = await oxcOutline(source, language);
  if (whole !== undefined) return whole;
  const split = cutShort ? undefined : await headAndTail(source, language);
  return split ?? treeSitterOutline(source, language);
}
