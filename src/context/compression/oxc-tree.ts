/**
 * oxc's syntax tree read straight from the JSON text its native binding returns, without building it: turning
 * that JSON (five times the size of the code) into objects cost more than parsing the code, while an outline
 * needs only each node's type, span and parent and a few properties of a few nodes.
 *
 * In that JSON every node is an object that opens with its `type` and closes with its `start` and `end`
 * (`{"type":"X",…,"start":1,"end":2}`), in document order, a parent around its children; no other object has
 * a `type`, `start` or `end`. Inside JSON strings every quote is escaped, so these markers never occur there.
 *
 * @module
 */

const OPEN = '{"type":"';
const CLOSE = '"start":';
const CLOSE_END = ',"end":';

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const CLOSING_BRACE = 125;

// The shortest node object: `{"type":"X","start":0,"end":0}`; its JSON's length over this bounds the nodes.
const SHORTEST_NODE = 31;

/** The nodes of an oxc tree, numbered in document order: a parent before its children, 0 the program. */
export class OxcTree {
  /** Each node's ESTree type. */
  readonly types: string[] = [];
  /** Each node's first UTF-16 unit in the source. */
  readonly starts: Int32Array;
  /** Just past each node's last unit in the source. */
  readonly ends: Int32Array;
  /** Each node's parent, -1 for the program. */
  readonly parents: Int32Array;
  /** The number just past each node's last descendant: where the next node outside it is. */
  readonly after: Int32Array;
  // Where each node's object opens and closes in the JSON.
  private readonly opens: Int32Array;
  private readonly closes: Int32Array;

  private constructor(private readonly json: string) {
    const capacity = Math.ceil(json.length / SHORTEST_NODE);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.parents = new Int32Array(capacity);
    this.after = new Int32Array(capacity);
    this.opens = new Int32Array(capacity);
    this.closes = new Int32Array(capacity);
  }

  /**
   * Reads the tree of oxc's JSON form of a program.
   *
   * @param json - The `program` JSON of oxc's native binding.
   * @returns The tree, or undefined if the JSON does not have the form described above.
   */
  static read(json: string): OxcTree | undefined {
    const tree = new OxcTree(json);
    const { types, starts, ends, parents, opens, closes, after } = tree;
    // The nodes open around the next one found, innermost last.
    const open = new Int32Array(starts.length);
    let depth = 0;
    let nextOpen = json.indexOf(OPEN);
    let nextClose = json.indexOf(CLOSE);
    while (nextClose !== -1) {
      if (nextOpen !== -1 && nextOpen < nextClose) {
        const typeStart = nextOpen + OPEN.length;
        const typeEnd = json.indexOf('"', typeStart);
        const node = types.length;
        parents[node] = depth === 0 ? -1 : open[depth - 1]!;
        opens[node] = nextOpen;
        open[depth++] = node;
        types.push(json.slice(typeStart, typeEnd));
        nextOpen = json.indexOf(OPEN, typeEnd);
        continue;
      }
      if (depth === 0) return undefined;
      const node = open[--depth]!;
      let at = nextClose + CLOSE.length;
      let start = 0;
      for (let code = json.charCodeAt(at); code >= DIGIT_0 && code <= DIGIT_9; code = json.charCodeAt(++at)) {
        start = start * 10 + code - DIGIT_0;
      }
      if (!json.startsWith(CLOSE_END, at)) return undefined;
      at += CLOSE_END.length;
      let end = 0;
      for (let code = json.charCodeAt(at); code >= DIGIT_0 && code <= DIGIT_9; code = json.charCodeAt(++at)) {
        end = end * 10 + code - DIGIT_0;
      }
      if (json.charCodeAt(at) !== CLOSING_BRACE) return undefined;
      starts[node] = start;
      ends[node] = end;
      closes[node] = at;
      after[node] = types.length;
      nextClose = json.indexOf(CLOSE, at);
    }
    return depth === 0 && nextOpen === -1 && types.length > 0 ? tree : undefined;
  }

  /** The number of nodes. */
  get size(): number {
    return this.types.length;
  }

  /**
   * The child a node holds under a key (not one of an array's), or -1.
   *
   * @param node - The parent.
   * @param key - The property name, e.g. `body`.
   */
  child(node: number, key: string): number {
    const { json, opens, after } = this;
    const property = `"${key}":`;
    for (let child = node + 1; child < after[node]!; child = after[child]!) {
      if (json.startsWith(property, opens[child]! - property.length)) return child;
    }
    return -1;
  }

  /**
   * The JSON text of a node's own scalar property (a boolean, number, null, or a string holding no comma or
   * brace), or undefined if it has none by that name.
   *
   * @param node - The node.
   * @param key - The property name, e.g. `kind`.
   */
  scalar(node: number, key: string): string | undefined {
    const { json, opens, closes, after } = this;
    const property = `"${key}":`;
    let found = json.indexOf(property, opens[node]!);
    // The node's own properties lie between its children's objects.
    for (let child = node + 1; found !== -1 && found < closes[node]!; child = after[child]!) {
      const to = child < after[node]! ? opens[child]! : closes[node]!;
      if (found < to) {
        const valueStart = found + property.length;
        let valueEnd = valueStart;
        while (json[valueEnd] !== ',' && json[valueEnd] !== '}') valueEnd++;
        return json.slice(valueStart, valueEnd);
      }
      if (found < closes[child]!) found = json.indexOf(property, closes[child]!);
    }
    return undefined;
  }
}
