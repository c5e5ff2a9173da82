/**
 * Drafts: texts made of stretches of an original text and inserted strings, which remember where each of
 * their characters came from, so that a draft can be counted reusing the original's exact unit counts.
 *
 * @module
 */

/** A text built from stretches of an original and inserted strings. */
export interface Draft {
  /** The text. */
  readonly text: string;
  /** For each UTF-16 unit of `text`, its offset in the original, or -1 if it was inserted. */
  readonly origin: Int32Array;
}

/** Builds a draft by copying stretches of a source (the original, or a draft of it) and inserting strings. */
export class DraftBuilder {
  private readonly parts: string[] = [];
  private origin: Int32Array;
  private length = 0;

  /**
   * @param source - The text stretches are copied from.
   * @param sourceOrigin - Where the source's units came from, if the source is itself a draft.
   */
  constructor(
    private readonly source: string,
    private readonly sourceOrigin?: Int32Array,
  ) {
    this.origin = new Int32Array(source.length + 64);
  }

  /** Appends `source.slice(start, end)`. */
  copy(start: number, end: number): void {
    if (end <= start) return;
    this.reserve(end - start);
    this.parts.push(this.source.slice(start, end));
    if (this.sourceOrigin === undefined) {
      for (let i = start; i < end; i++) this.origin[this.length++] = i;
    } else {
      this.origin.set(this.sourceOrigin.subarray(start, end), this.length);
      this.length += end - start;
    }
  }

  /** Appends a string that is not in the original. */
  insert(text: string): void {
    this.reserve(text.length);
    this.parts.push(text);
    this.origin.fill(-1, this.length, this.length + text.length);
    this.length += text.length;
  }

  /** The draft built so far. */
  build(): Draft {
    return { text: this.parts.join(''), origin: this.origin.subarray(0, this.length) };
  }

  private reserve(more: number): void {
    if (this.length + more <= this.origin.length) return;
    const grown = new Int32Array(Math.max(this.origin.length * 2, this.length + more));
    grown.set(this.origin.subarray(0, this.length));
    this.origin = grown;
  }
}
