/**
 * Outlines JavaScript and TypeScript with oxc's native parser, several times faster than tree-sitter's WASM
 * grammars. Its tree is read in place (see {@link loadOxcTrees}) in one walk that makes objects only of the
 * nodes it visits; node types are translated to the tree-sitter names the outline's rules use, so that both
 * parsers outline alike.
 *
 * @module
 */
import type { CodeLanguage } from './field-kind.js';
import {
  type CodeOutline,
  isDroppableStatement,
  MIN_FOLDED_VALUE,
  outlineOf,
  placeholderOf,
  type Span,
} from './outline.js';
import { loadOxcTrees, type OxcLanguage, type OxcNode, type OxcTree, type OxcVisitor } from './oxc-tree.js';

const LANGUAGES: Partial<Record<CodeLanguage, OxcLanguage>> = {
  typescript: 'ts',
  tsx: 'tsx',
  // Like tree-sitter's JavaScript grammar, take JSX in any JavaScript.
  javascript: 'jsx',
};

// oxc's node types under the tree-sitter names of the outline's rules; the rest need no name.
const TREE_SITTER_NAMES: Record<string, string> = {
  ObjectExpression: 'object',
  ArrayExpression: 'array',
  StringLiteral: 'string',
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
  ExportDeclaration: 'export_statement',
  ExportFromDeclaration: 'export_statement',
  TSExportAssignment: 'export_statement',
  TSNamespaceExportDeclaration: 'export_statement',
  TSInterfaceDeclaration: 'interface_declaration',
  TSTypeAliasDeclaration: 'type_alias_declaration',
  TSEnumDeclaration: 'enum_declaration',
  TSNamespaceDeclaration: 'module',
  TSExternalModuleDeclaration: 'module',
  TSGlobalDeclaration: 'module',
};

/** A node's type: oxc names each node's class after its Rust type. */
const typeOf = (node: OxcNode): string => node.constructor.name;

const nameOf = (node: OxcNode): string => TREE_SITTER_NAMES[typeOf(node)] ?? typeOf(node);

// Statements that may be ambient (`declare …`); the tree keeps no such flag on all of them.
const AMBIENT_KINDS = new Set(['VariableDeclaration', 'Function', 'Class']);
const AMBIENT = /^declare\s/;

// What the outline reads of the nodes it visits.
interface FunctionNode extends OxcNode {
  readonly body: OxcNode | null;
}
interface MethodNode extends OxcNode {
  readonly value: FunctionNode;
}
interface PropertyNode extends OxcNode {
  readonly kind: 'init' | 'get' | 'set';
  readonly method: boolean;
  readonly shorthand: boolean;
  readonly value: OxcNode;
}
interface DeclaratorNode extends OxcNode {
  readonly init: OxcNode | null;
}
interface FieldNode extends OxcNode {
  readonly value: OxcNode | null;
}
interface BodyDeclarationNode extends OxcNode {
  readonly body: OxcNode;
}
interface TypeAliasNode extends OxcNode {
  readonly typeAnnotation: OxcNode;
}

const isLarge = (node: OxcNode | null): node is OxcNode =>
  node !== null && node.end - node.start >= MIN_FOLDED_VALUE;

const spanOf = ({ start, end }: OxcNode): Span => ({ start, end });

const FUNCTIONS = new Set(['Function', 'ArrowFunctionExpression']);

/** Finds the foldable bodies, values and types, skipping what lies inside a folded body. */
function findFoldable(tree: OxcTree, found: CodeOutline): void {
  // The end of the last function whose body folds: nodes before it lie inside.
  let foldedUntil = -1;
  const foldBody = (owner: OxcNode, fn: FunctionNode): void => {
    const { body } = fn;
    if (!isLarge(body)) return;
    const placeholder = typeOf(body) === 'FunctionBody' ? '{ … }' : '…';
    found.bodies.push({ ...spanOf(body), owner: spanOf(owner), placeholder });
    foldedUntil = owner.end;
  };
  const foldValue = (value: OxcNode | null): void => {
    // Functions keep their signatures: their bodies are folded instead.
    if (!isLarge(value) || FUNCTIONS.has(typeOf(value))) return;
    found.literals.push({ ...spanOf(value), placeholder: placeholderOf(nameOf(value)) });
  };
  const foldType = (definition: OxcNode): void => {
    if (!isLarge(definition)) return;
    found.types.push({ ...spanOf(definition), placeholder: placeholderOf(nameOf(definition)) });
  };
  const handlers: Record<string, (node: never) => void> = {
    Function: (fn: FunctionNode) => foldBody(fn, fn),
    ArrowFunctionExpression: (fn: FunctionNode) => foldBody(fn, fn),
    // A method's body folds with its name: the method is visited before its function.
    MethodDefinition: (method: MethodNode) => foldBody(method, method.value),
    ObjectProperty: (property: PropertyNode) => {
      // A method's or accessor's value is always a function.
      if (property.method || property.kind !== 'init') foldBody(property, property.value as FunctionNode);
      else if (!property.shorthand) foldValue(property.value);
    },
    VariableDeclarator: (declarator: DeclaratorNode) => foldValue(declarator.init),
    PropertyDefinition: (field: FieldNode) => foldValue(field.value),
    TSInterfaceDeclaration: (declaration: BodyDeclarationNode) => foldType(declaration.body),
    TSEnumDeclaration: (declaration: BodyDeclarationNode) => foldType(declaration.body),
    TSTypeAliasDeclaration: (alias: TypeAliasNode) => foldType(alias.typeAnnotation),
  };
  // A node inside a folded body is moot, and one too small to fold holds nothing large enough: neither is
  // read further, which spares making objects of its children.
  const visitor: OxcVisitor = Object.fromEntries(
    Object.entries(handlers).map(([type, handle]) => [
      type,
      (node: OxcNode) => {
        if (node.start >= foldedUntil && isLarge(node)) handle(node as never);
      },
    ]),
  );
  tree.visit(visitor);
}

/** Adds the program's top-level statements that may be dropped. */
function findDroppable(tree: OxcTree, source: string, found: CodeOutline): void {
  for (const statement of tree.statements) {
    const { start, end } = statement;
    const text = source.slice(start, end);
    // Not every such statement has a `declare` flag: an ambient declaration says so at its start.
    const ambient = AMBIENT_KINDS.has(typeOf(statement)) && AMBIENT.test(text);
    if (isDroppableStatement(ambient ? 'ambient_declaration' : nameOf(statement), text)) {
      found.droppable.push({ start, end });
    }
  }
}

/** The outline of a parse, or undefined if it had errors. */
function outlineOfTree(tree: OxcTree, source: string): CodeOutline | undefined {
  if (tree.hasErrors) return undefined;
  const found: CodeOutline = {
    comments: Array.from(tree.comments, spanOf),
    bodies: [],
    literals: [],
    types: [],
    droppable: [],
  };
  findFoldable(tree, found);
  findDroppable(tree, source, found);
  return outlineOf(found);
}

/**
 * Outlines JavaScript or TypeScript with oxc. TypeScript that does not parse is tried again as a declaration
 * file, where a declaration may have no value (`export const x: T;`): parsing costs a few milliseconds per
 * megabyte.
 *
 * @param source - The code.
 * @param language - Its language.
 * @returns The outline, or undefined if the language is not JavaScript or TypeScript, oxc is not available
 *   here, or the code has a syntax error (oxc's tree may then be empty; tree-sitter recovers better).
 */
export async function oxcOutline(source: string, language: CodeLanguage): Promise<CodeOutline | undefined> {
  const lang = LANGUAGES[language];
  const readTree = lang === undefined ? undefined : await loadOxcTrees();
  if (lang === undefined || readTree === undefined) return undefined;
  const outline = readTree(source, lang, (tree) => outlineOfTree(tree, source));
  if (outline !== undefined || lang !== 'ts') return outline;
  return readTree(source, 'dts', (tree) => outlineOfTree(tree, source));
}
