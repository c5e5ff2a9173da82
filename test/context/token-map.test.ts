import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeCorpus, proseCorpus } from '../../bench/context/corpus.js';
import { DraftBuilder } from '../../src/context/compression/draft.js';
import { TokenMap, UNIT_LENGTH } from '../../src/context/compression/token-map.js';
import { exactTokenizer, getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import { ENCODINGS } from '../../src/context/types.js';

/** An edit of a draft: at `at` (modulo the text's length), `cut` characters replaced by `insert`. */
interface DraftEdit {
  at: number;
  cut: number;
  insert: string;
}

/** A draft of `text` with the edits applied in order of position, not yet built. */
function draftWithEdits(text: string, edits: readonly DraftEdit[]): DraftBuilder {
  const draft = new DraftBuilder(text);
  let cursor = 0;
  for (const { at, cut, insert } of [...edits].sort((a, b) => (a.at % text.length) - (b.at % text.length))) {
    const start = Math.max(cursor, at % text.length);
    draft.copy(cursor, start);
    draft.insert(insert);
    cursor = Math.min(text.length, start + cut);
  }
  draft.copy(cursor, text.length);
  return draft;
}

describe('TokenMap', () => {
  it('adds its unit counts up to the exact count of real text, with units of any length', () => {
    for (const encoding of ENCODINGS) {
      const tokenizer = getTokenizer({ encoding });
      for (const { path, text } of [...codeCorpus(), ...proseCorpus()]) {
        for (const unitLength of [1, 100, 768, UNIT_LENGTH]) {
          expect(new TokenMap(text, exactTokenizer({ encoding }), unitLength).total, path).toBe(
            tokenizer.count(text),
          );
        }
      }
    }
  });

  it('adds up exactly on random text with indentation, slashes and blank lines', () => {
    const unit = fc.constantFrom(
      '\n',
      '\n\n',
      '  ',
      '\t',
      '/',
      '//',
      'word',
      '.',
      ' x',
      '中',
      '😀',
      "'s",
      '\r\n',
      '7',
    );
    const text = fc.array(unit, { maxLength: 300 }).map((units) => units.join(''));
    for (const encoding of ENCODINGS) {
      const tokenizer = getTokenizer({ encoding });
      fc.assert(
        fc.property(
          text,
          (sample) => new TokenMap(sample, exactTokenizer({ encoding })).total === tokenizer.count(sample),
        ),
        {
          numRuns: 300,
        },
      );
    }
  });

  it('estimates stretches from the units they cover, exactly between line starts', () => {
    const text = proseCorpus()[0]!.text;
    const tokenizer = getTokenizer();
    const map = new TokenMap(text, exactTokenizer());
    expect(map.estimate(0, text.length)).toBe(map.total);
    expect(map.estimate(10, 10)).toBe(0);
    const half = map.estimate(0, text.length >> 1);
    expect(half).toBeGreaterThan(map.total * 0.3);
    expect(half).toBeLessThan(map.total * 0.7);
    // A line start before a word is always a unit's start.
    const lineStarts = [...text.matchAll(/\n(?=[^\s/])/g)].map((match) => match.index + 1);
    expect(lineStarts.length).toBeGreaterThan(20);
    for (let i = 0; i + 3 < lineStarts.length; i += 3) {
      const [start, end] = [lineStarts[i]!, lineStarts[i + 3]!];
      expect(map.estimate(start, end), `${start}-${end}`).toBe(tokenizer.count(text.slice(start, end)));
    }
  });

  it('counts drafts exactly: stretches of the text, in order, with strings inserted between them', () => {
    const tokenizer = getTokenizer();
    const count = (part: string): number => tokenizer.count(part);
    const sources = [...codeCorpus(), ...proseCorpus()].map((document) => document.text.slice(0, 6000));
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 400 }),
      insert: fc.constantFrom('', ' ', '\n', '{ … }', ' // ×3', '…', 'x', '\n\n', '/', ' [×2]\n'),
    });
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(edit, { maxLength: 30 }),
        fc.constantFrom(1, 16, UNIT_LENGTH),
        (source, edits, unitLength) => {
          const text = sources[source]!;
          const map = new TokenMap(text, exactTokenizer(), unitLength);
          const draft = draftWithEdits(text, edits);
          // A draft of a draft, as tidying makes: every other line of the first.
          const first = draft.build();
          const second = new DraftBuilder(first.text, first.origin);
          first.text.split('\n').reduce((start, line, i) => {
            if (i % 2 === 0) second.copy(start, Math.min(first.text.length, start + line.length + 1));
            return start + line.length + 1;
          }, 0);
          for (const built of [first, second.build()]) {
            expect(map.countDraft(built, count)).toBe(count(built.text));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts drafts of random text exactly: indentation, blank lines and slashes around every join', () => {
    const unit = fc.constantFrom(
      '\n',
      '\n\n',
      ' ',
      '  ',
      '\t',
      '/',
      'word',
      '.',
      ' x',
      '中',
      "'s",
      '\r\n',
      '7',
    );
    const piece = fc.array(unit, { maxLength: 8 }).map((units) => units.join(''));
    const draftOf = fc.record({
      // Texts often end in a line of indentation alone, whose start is safe to cut only at the text's end.
      text: fc
        .tuple(
          fc.array(unit, { minLength: 1, maxLength: 80 }),
          fc.constantFrom('', '\n  ', '\n\t', '\n\n    '),
        )
        .map(([units, ending]) => units.join('') + ending),
      edits: fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 12 }), insert: piece }), { maxLength: 6 }),
      // Text appended after the last stretch: a tail the text's own end never had to be safe against.
      tail: fc
        .tuple(fc.constantFrom('', '\n', '  \n', '\n\n', 'y'), piece)
        .map(([head, rest]) => head + rest),
      unitLength: fc.constantFrom(1, 4, UNIT_LENGTH),
    });
    const tokenizer = exactTokenizer();
    fc.assert(
      fc.property(draftOf, ({ text, edits, tail, unitLength }) => {
        const map = new TokenMap(text, tokenizer, unitLength);
        const draft = draftWithEdits(text, edits);
        draft.insert(tail);
        const built = draft.build();
        return map.countDraft(built, tokenizer.countUncached) === tokenizer.countUncached(built.text);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes a unit that starts one character before a kept stretch only if the stretch holds the rest of it', () => {
    const text = 'aaa bbbbbbbbbbbbbbbbbbbbbbbbb ccc ddd';
    const count = (part: string): number => getTokenizer().count(part);
    for (const unitLength of [1, UNIT_LENGTH]) {
      const map = new TokenMap(text, exactTokenizer(), unitLength);
      // "aaa", a space from elsewhere, then only the head of the word the text's own space came before.
      const draft = new DraftBuilder(text);
      draft.copy(0, 3);
      draft.insert(' ');
      draft.copy(4, 7);
      draft.insert('X');
      const built = draft.build();
      expect(map.countDraft(built, count)).toBe(count(built.text));
    }
  });

  it('counts a draft exactly when a line of indentation alone ends its text and a newline follows', () => {
    const tokenizer = getTokenizer();
    const count = (part: string): number => tokenizer.count(part);
    for (const text of ['word one two\n   ', 'a\n\t\t', 'x = 1;\n    ']) {
      for (const unitLength of [1, UNIT_LENGTH]) {
        const map = new TokenMap(text, exactTokenizer(), unitLength);
        for (const insert of ['\n', '\n\n', ' ', 'y']) {
          const draft = new DraftBuilder(text);
          draft.copy(0, text.length);
          draft.insert(insert);
          const built = draft.build();
          expect(map.countDraft(built, count), JSON.stringify(built.text)).toBe(count(built.text));
        }
      }
    }
  });

  it('counts kept sentences exactly, reusing the counts of whole ones', () => {
    const tokenizer = getTokenizer();
    let counted = 0;
    const count = (part: string): number => {
      counted += part.length;
      return tokenizer.count(part);
    };
    const text = proseCorpus()[3]!.text;
    const map = new TokenMap(text, exactTokenizer());
    // Sentences end after the spaces that follow them, as compressText splits them.
    const ends = [...text.matchAll(/[.!?]["')\]]*[ \t]+(?=\S)|\n/g)].map(
      (match) => match.index + match[0].length,
    );
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: ends.length, maxLength: ends.length }), (keep) => {
        const draft = new DraftBuilder(text);
        ends.forEach((end, i) => {
          if (keep[i]) draft.copy(i === 0 ? 0 : ends[i - 1]!, end);
        });
        const built = draft.build();
        counted = 0;
        expect(map.countDraft(built, count)).toBe(tokenizer.count(built.text));
        // Only the joins are counted afresh.
        expect(counted).toBeLessThan(built.text.length / 2);
      }),
      { numRuns: 50 },
    );
  });
});
