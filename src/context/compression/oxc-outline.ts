/**
 * Outlines JavaScript and TypeScript with oxc's native parser, several times faster than tree-sitter's WASM
 * grammars. The ESTree it returns is walked once, its node types translated to the tree-sitter names the
 * outline's rules use, so that both parsers outline alike.
 *
 * @module
 */
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

/** A node of oxc's ESTree, by the few properties the walk reads. */
interface EsNode extends Span {
  type: string;
  [property: string]: unknown;
}

type ParseSync = typeof import('oxc-parser').parseSync;

let loaded: Promise<ParseSync | undefined> | undefined;

/** oxc's parser, loaded on first use; undefined where its native binary is missing (tree-sitter then does all). */
function loadOxc(): Promise<ParseSync | undefined> {
  loaded ??= import('oxc-parser').then(
    ({ parseSync }) => parseSync,
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

function nameOf(node: EsNode): string {
  if (node.type === 'Literal') return typeof node.value === 'string' ? 'string' : 'literal';
  return TREE_SITTER_NAMES[node.type] ?? node.type;
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

const isNode = (value: unknown): value is EsNode =>
  typeof value === 'object' && value !== null && typeof (value as EsNode).type === 'string';

/** The function a node is or defines (a method defines its value), if any. */
function functionOf(node: EsNode): EsNode | undefined {
  if (FUNCTIONS.has(node.type)) return node;
  const method =
    METHODS.has(node.type) || (node.type === 'Property' && (node.method === true || node.kind !== 'init'));
  return method && isNode(node.value) ? node.value : undefined;
}

/** The value a node holds, as tree-sitter's value holders do: declarators, class fields, object properties. */
function heldValue(node: EsNode, parentType: string): unknown {
  if (node.type === 'VariableDeclarator') return node.init;
  if (node.type === 'PropertyDefinition') return node.value;
  // An object pattern's properties are bindings, not values.
  const pair = node.type === 'Property' && parentType === 'ObjectExpression' && node.shorthand !== true;
  return pair ? node.value : undefined;
}

/** The definition a type declaration holds: an interface's or enum's body, a type alias's type. */
function definedType(node: EsNode): unknown {
  if (node.type === 'TSInterfaceDeclaration' || node.type === 'TSEnumDeclaration') return node.body;
  return node.type === 'TSTypeAliasDeclaration' ? node.typeAnnotation : undefined;
}

const isLarge = (value: unknown): value is EsNode =>
  isNode(value) && value.end - value.start >= MIN_FOLDED_VALUE;

/** Walks the program, skipping functions whose bodies fold; the order does not matter (outlineOf sorts). */
function walk(program: EsNode, found: CodeStructure): void {
  const stack: EsNode[] = [program];
  const parents: string[] = [''];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const parentType = parents.pop()!;
    const fn = functionOf(node);
    if (fn !== undefined && isLarge(fn.body)) {
      const { start, end, type } = fn.body;
      const placeholder = type === 'BlockStatement' ? '{ … }' : '…';
      found.bodies.push({ start, end, owner: { start: node.start, end: node.end }, placeholder });
      continue;
    }
    const value = heldValue(node, parentType);
    // Functions keep their signatures: their bodies are folded instead.
    if (isLarge(value) && !FUNCTIONS.has(value.type)) {
      found.literals.push({ start: value.start, end: value.end, placeholder: placeholderOf(nameOf(value)) });
    }
    const definition = definedType(node);
    if (isLarge(definition)) {
      const { start, end } = definition;
      found.types.push({ start, end, placeholder: placeholderOf(nameOf(definition)) });
    }
    // Every property holding a node or nodes is a child: faster than looking up each type's child keys.
    for (const key in node) {
      const child = node[key];
      if (isNode(child)) {
        stack.push(child);
        parents.push(node.type);
      } else if (Array.isArray(child)) {
        for (const item of child) {
          if (isNode(item)) {
            stack.push(item);
            parents.push(node.type);
          }
        }
      }
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
  // The JavaScript form of the tree leaves out type annotations, a third of the JSON to parse; TypeScript's
  // own declarations stay.
  const result = parseSync(`source.${lang}`, source, { lang, sourceType: 'unambiguous', astType: 'js' });
  if (result.errors.length > 0) return undefined;
  // oxc lists a hashbang line among the comments; tree-sitter keeps it as a statement.
  const hashbang = source.startsWith('#!') ? 0 : -1;
  const comments = result.comments
    .filter(({ start }) => start !== hashbang)
    .map(({ start, end }) => ({ start, end }));
  // The tree is parsed from JSON only if compression gets past stripping comments.
  return lazyOutline(comments, () => {
    const program = result.program as unknown as EsNode;
    const found: CodeStructure = { bodies: [], literals: [], types: [], droppable: [] };
    walk(program, found);
    for (const statement of program.body as EsNode[]) {
      const text = source.slice(statement.start, statement.end);
      // That form has no `declare` flag: an ambient declaration says so at its start.
      const ambient = AMBIENT_KINDS.has(statement.type) && AMBIENT.test(text);
      if (isDroppableStatement(ambient ? 'ambient_declaration' : nameOf(statement), text)) {
        found.droppable.push({ start: statement.start, end: statement.end });
      }
    }
    return structureOf(found);
  });
}
