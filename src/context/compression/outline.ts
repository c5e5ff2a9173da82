/**
 * What compression may take out of a source file, and the rules both parsers' outlines follow: which values
 * are worth folding and into what placeholder, which top-level statements must stay. Node kinds are named as
 * tree-sitter names them; the oxc outline translates its node types to these names.
 *
 * @module
 */

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

/** Values shorter than this are not worth a placeholder. */
export const MIN_FOLDED_VALUE = 48;

/** Top-level statements never dropped. */
export const ALWAYS_KEPT = new Set([
  'import_statement',
  'import_alias',
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

// CommonJS exports and 'use strict' are kept like ES exports.
const KEPT_STATEMENT = /^\s*(?:(?:module\.)?exports\b|['"]use strict['"])/;

/**
 * Whether a top-level statement of JavaScript or TypeScript may be dropped.
 *
 * @param type - Its node type.
 * @param text - Its text.
 */
export function isDroppableStatement(type: string, text: string): boolean {
  return !ALWAYS_KEPT.has(type) && !KEPT_STATEMENT.test(text);
}

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

/**
 * What a folded value of a node type is replaced with.
 *
 * @param type - The value's node type.
 */
export const placeholderOf = (type: string): string => PLACEHOLDERS[type] ?? '…';

/** Keeps the spans not inside an earlier one. */
function outermost<T extends Span>(spans: T[]): T[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: T[] = [];
  let end = -1;
  for (const span of spans) {
    if (span.start < end) continue;
    kept.push(span);
    end = span.end;
  }
  return kept;
}

const byStart = (a: Span, b: Span): number => a.start - b.start;

/**
 * What a parser found, put in order: everything in document order, values and types inside others left out.
 *
 * @param found - The stretches found, in any order.
 */
export function outlineOf(found: CodeOutline): CodeOutline {
  return {
    comments: found.comments.sort(byStart),
    bodies: found.bodies.sort(byStart),
    literals: outermost(found.literals),
    types: outermost(found.types),
    droppable: found.droppable.sort(byStart),
  };
}
