import { extname } from 'node:path';
import type { Document, Node } from 'yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/** 1-based position in the source text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed workflow file: its plain value, and where each part of it came from. */
export interface ParsedDocument {
  value: unknown;
  /** Position of the value at `path`, or of its nearest ancestor that exists. */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

/** A syntax error, with its position when the parser gives one. */
export interface SyntaxProblem {
  message: string;
  position?: SourcePosition;
}

/**
 * Parses a workflow file's text: JSON for `.json` files (with JSON's own rules), YAML otherwise. Either way
 * the YAML parser, for which JSON is valid input, maps paths back to lines.
 *
 * @returns The document, or every syntax problem found.
 */
export function parseWorkflowText(
  file: string,
  text: string,
): ParsedDocument | { problems: SyntaxProblem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  let value: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      // V8 names the offset ("… at position 32"); the YAML parser may know the place when V8 does not.
      const offset = Number(
        /at position (\d+)/.exec((error as Error).message)?.[1] ?? document.errors[0]?.pos[0],
      );
      return {
        problems: [
          {
            message: `not valid JSON: ${(error as Error).message}`,
            ...(Number.isFinite(offset) ? { position: at(offset) } : {}),
          },
        ],
      };
    }
  } else {
    if (document.errors.length > 0) {
      return {
        problems: document.errors.map((error) => ({
          message: `not valid YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          position: at(error.pos[0]),
        })),
      };
    }
    value = document.toJS();
  }
  return { value, locate: (path) => locateNode(document, path, at) };
}

function locateNode(
  document: Document,
  path: readonly (string | number)[],
  at: (offset: number) => SourcePosition,
): SourcePosition | undefined {
  let node: unknown = document.contents;
  let found: Node | undefined = isNode(node) ? node : undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part),
      );
      if (!pair) break;
      // Point at the key: that is the line a person looks for, and it exists even when the value is empty.
      found = isNode(pair.key) ? pair.key : found;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if (!isNode(node)) break;
      found = node;
    } else break;
  }
  return found?.range ? at(found.range[0]) : undefined;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
