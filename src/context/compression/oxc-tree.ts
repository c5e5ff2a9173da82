/**
 * oxc's syntax tree, read where its native parser wrote it. oxc can hand its tree to JavaScript as JSON text
 * (about nine characters per character of code) or, by "raw transfer", write it into memory JavaScript shares
 * and read it there lazily: a node becomes an object only when asked for. Outlining 1 MB of code takes 11–30 ms
 * this way, against 65–95 ms through the JSON.
 *
 * oxc's own `experimentalLazy` option does this but refuses Node.js before 22: it views the whole 6 GiB
 * buffer it allocates, and Node 20 caps a typed array at 4 GiB. Only the 2 GiB block the parser writes, which
 * starts on a 4 GiB boundary inside that buffer, needs a view, and Node 20 allows that; so this module sets up
 * the buffer itself and uses the package's exported lazy reader and walker. These are the package's internals:
 * the version is pinned, and the outline tests (oxc against tree-sitter on real code) check each upgrade.
 *
 * @module
 */

import { IdleRelease } from '../idle-release.js';

/** A node of oxc's tree, read lazily: its class is named after oxc's Rust type (`Function`, `ObjectExpression`). */
export interface OxcNode {
  readonly start: number;
  readonly end: number;
}

/** Functions called on entering nodes, keyed by oxc's Rust type name, in document order. */
export type OxcVisitor = Readonly<Record<string, (node: OxcNode) => void>>;

/** A parsed file, valid only inside the callback that receives it: the next parse writes over it. */
export interface OxcTree {
  /** Its comments, in order. */
  readonly comments: Iterable<OxcNode>;
  /** Whether the parser reported errors (the tree may then be partial). */
  readonly hasErrors: boolean;
  /** Its top-level statements (not its directives), in order. */
  readonly statements: Iterable<OxcNode>;
  /** Walks the whole tree in document order, calling the visitor's function for each node of its types. */
  visit(visitor: OxcVisitor): void;
}

/** The languages oxc parses, as its `lang` option names them. */
export type OxcLanguage = 'ts' | 'tsx' | 'jsx' | 'dts';

/**
 * Parses a source file and reads its tree.
 *
 * @param read - Reads what it needs; the tree must not be kept past it.
 * @returns What `read` returns, or undefined if oxc's memory cannot be had or the source is too long for it
 *   (over 357 million UTF-16 units).
 */
export type ReadOxcTree = <T>(
  source: string,
  language: OxcLanguage,
  read: (tree: OxcTree) => T,
) => T | undefined;

interface Binding {
  getBufferOffset(view: Uint8Array): number;
  parseRawSync(
    filename: string,
    block: Uint8Array,
    sourceStart: number,
    sourceLength: number,
    options: object,
  ): void;
}

interface Layout {
  /** The block the parser writes, in bytes, and the boundary it must start on. */
  BLOCK_SIZE: number;
  BLOCK_ALIGN: number;
  /** The part of the block JavaScript reads. */
  BUFFER_SIZE: number;
  /** The part that holds the tree and, at its end, the source. */
  ACTIVE_SIZE: number;
  /** Where, in 32-bit words, the block holds the position of the parse's result. */
  DATA_POINTER_POS_32: number;
  /** Where the program lies in that result. */
  PROGRAM_OFFSET: number;
}

/** What the lazy reader is given: the memory and the source; `buffer` is cleared when the tree expires. */
interface LazyAst {
  buffer: TransferBuffer | null;
  sourceText: string;
  sourceIsAscii: boolean;
  nodes: Map<number, unknown>;
  token: object;
}

/** The transfer memory as the lazy reader reads it. */
interface TransferBuffer extends Uint8Array {
  int32: Int32Array;
  float64: Float64Array;
}

interface ParseResult {
  readonly program: { readonly body: Iterable<OxcNode> };
  readonly comments: Iterable<OxcNode>;
  readonly errors: ArrayLike<unknown>;
}

interface LazyReader {
  RawTransferData: new (position: number, ast: LazyAst) => ParseResult;
}

interface LazyWalker {
  walkProgram(position: number, ast: LazyAst, visitors: unknown[]): void;
}

interface VisitorModule {
  Visitor: new (visitor: OxcVisitor) => object;
  getVisitorsArr(visitor: object): unknown[];
}

// Modules the package exports without types; named here so the compiler does not look for them.
const MODULES = [
  'oxc-parser/src-js/bindings',
  'oxc-parser/src-js/generated/constants',
  'oxc-parser/src-js/generated/lazy/constructors',
  'oxc-parser/src-js/generated/lazy/walk',
  'oxc-parser/src-js/raw-transfer/visitor',
  'oxc-parser/src-js/raw-transfer/lazy-common',
];

// Node 20 views at most 4 GiB less one byte at once.
const LARGEST_VIEW = 2 ** 32 - 1;
// Room for the source in UTF-8: at most 3 bytes per UTF-16 unit. The encoder writes at most 1 GiB at once.
const MAX_BYTES_PER_UNIT = 3;
const MAX_SOURCE_BYTES = 2 ** 30;
// The memory keeps every page a parse wrote: let it go when no code has been parsed for this long.
const RELEASE_AFTER_MS = 10_000;

let loaded: Promise<ReadOxcTree | undefined> | undefined;

/**
 * oxc's parser, loaded on first use. Its transfer memory is 6 GiB of address space, of which only the pages a
 * parse writes take memory; it is set up on first parse and let go after 10 s without one.
 *
 * @returns The reader, or undefined where oxc's native binary is missing.
 */
export function loadOxcTrees(): Promise<ReadOxcTree | undefined> {
  loaded ??= Promise.all(MODULES.map((module) => import(module))).then(
    ([binding, layout, reader, walker, visitors, { TOKEN }]) =>
      treeReader(binding, layout, reader, walker, visitors, TOKEN),
    () => undefined,
  );
  return loaded;
}

/** The views of the transfer memory the parser and the lazy reader use. */
interface TransferMemory {
  memory: ArrayBuffer;
  offset: number;
  block: Uint8Array;
  buffer: TransferBuffer;
}

function allocate(
  { getBufferOffset }: Binding,
  { BLOCK_SIZE, BLOCK_ALIGN, BUFFER_SIZE }: Layout,
): TransferMemory | undefined {
  let memory: ArrayBuffer;
  try {
    memory = new ArrayBuffer(BLOCK_SIZE + BLOCK_ALIGN);
  } catch {
    return undefined;
  }
  const offset = getBufferOffset(new Uint8Array(memory, 0, LARGEST_VIEW));
  const buffer: TransferBuffer = Object.assign(new Uint8Array(memory, offset, BUFFER_SIZE), {
    int32: new Int32Array(memory, offset, BUFFER_SIZE / 4),
    float64: new Float64Array(memory, offset, BUFFER_SIZE / 8),
  });
  return { memory, offset, block: new Uint8Array(memory, offset, BLOCK_SIZE), buffer };
}

function treeReader(
  binding: Binding,
  layout: Layout,
  { RawTransferData }: LazyReader,
  { walkProgram }: LazyWalker,
  { Visitor, getVisitorsArr }: VisitorModule,
  token: object,
): ReadOxcTree {
  const { ACTIVE_SIZE, DATA_POINTER_POS_32, PROGRAM_OFFSET } = layout;
  const transfer = new IdleRelease<TransferMemory | undefined>(
    () => allocate(binding, layout),
    RELEASE_AFTER_MS,
  );
  const encoder = new TextEncoder();

  return (source, language, read) => {
    const room = source.length * MAX_BYTES_PER_UNIT;
    const views = room > MAX_SOURCE_BYTES ? undefined : transfer.get();
    if (views === undefined) return undefined;
    const { memory, offset, block, buffer } = views;
    // The source goes at the end of the active part; the parser writes the tree from its start.
    const sourceStart = ACTIVE_SIZE - room;
    const { written } = encoder.encodeInto(source, new Uint8Array(memory, offset + sourceStart, room));
    binding.parseRawSync(`source.${language}`, block, sourceStart, written, {
      lang: language,
      sourceType: 'unambiguous',
    });
    const ast: LazyAst = {
      buffer,
      sourceText: source,
      sourceIsAscii: written === source.length,
      nodes: new Map(),
      token,
    };
    const resultAt = buffer.int32[DATA_POINTER_POS_32]!;
    const result = new RawTransferData(resultAt, ast);
    try {
      return read({
        comments: result.comments,
        hasErrors: result.errors.length > 0,
        statements: result.program.body,
        visit: (visitor) => walkProgram(resultAt + PROGRAM_OFFSET, ast, getVisitorsArr(new Visitor(visitor))),
      });
    } finally {
      // A node kept past this point would read the next parse's memory: make it fail instead.
      ast.buffer = null;
    }
  };
}
