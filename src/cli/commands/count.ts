import { readFile } from 'node:fs/promises';
import { countTokens, countTokensBulk } from '../../context/index.js';
import type { Encoding, TokenizerBackend } from '../../context/types.js';
import { ENCODINGS, TOKENIZER_BACKENDS } from '../../context/types.js';
import type { Command } from '../command.js';
import { formatTable } from '../format.js';
import { UsageError } from '../usage-error.js';

/** Above this many characters in all, counting goes to a pool of worker threads. */
const BULK_FROM_CHARS = 1 << 20;

/** `lingflow count`: exact token counts of files. */
export const countCommand: Command = {
  name: 'count',
  summary: 'Count the tokens of files exactly, as a model would.',
  usage: '<files…> [options]',
  positionals: [1, Number.POSITIVE_INFINITY],
  options: {
    encoding: {
      type: 'string',
      short: 'e',
      valueName: ENCODINGS.join('|'),
      description: `Byte-pair encoding (default ${ENCODINGS[0]}).`,
    },
    backend: {
      type: 'string',
      valueName: 'NAME',
      description: `Tokenizer library: ${TOKENIZER_BACKENDS.join(', ')} (all give the same counts).`,
    },
    json: { type: 'boolean', description: 'Print JSON: [{ file, tokens, characters }].' },
  },

  async run({ values, positionals }, io) {
    const encoding = oneOf<Encoding>('encoding', values.encoding, ENCODINGS);
    const backend = oneOf<TokenizerBackend>('backend', values.backend, TOKENIZER_BACKENDS);
    const choice = { ...(encoding ? { encoding } : {}), ...(backend ? { backend } : {}) };
    const texts = await readAll(positionals);
    const characters = texts.reduce((sum, text) => sum + text.length, 0);
    const counts =
      characters >= BULK_FROM_CHARS
        ? await countTokensBulk(texts, choice)
        : texts.map((text) => countTokens(text, choice));
    const rows = positionals.map((file, i) => ({ file, tokens: counts[i]!, characters: texts[i]!.length }));
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const total = counts.reduce((sum, count) => sum + count, 0);
    const table = [
      ['tokens', 'characters', 'file'],
      ...rows.map((row) => [
        row.tokens.toLocaleString('en-US'),
        row.characters.toLocaleString('en-US'),
        row.file,
      ]),
      ...(rows.length > 1
        ? [[total.toLocaleString('en-US'), characters.toLocaleString('en-US'), 'total']]
        : []),
    ];
    io.stdout.write(`${formatTable(table, ['r', 'r', 'l']).join('\n')}\n`);
    return 0;
  },
};

/** Reads every file, reporting all that cannot be read at once. */
export async function readAll(files: readonly string[]): Promise<string[]> {
  const settled = await Promise.allSettled(files.map((file) => readFile(file, 'utf8')));
  const problems = settled.flatMap((outcome, i) =>
    outcome.status === 'rejected' ? [`${files[i]}: ${describeReadError(outcome.reason)}`] : [],
  );
  if (problems.length > 0) throw new UsageError(`cannot read ${problems.join('; ')}`);
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<string>).value);
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return (error as Error).message;
}

/** A flag value from a fixed list, or a `UsageError` that lists the choices. */
export function oneOf<T extends string>(
  flag: string,
  value: string | boolean | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (choices.includes(value as T)) return value as T;
  throw new UsageError(`--${flag} expects one of ${choices.join(', ')}, got "${String(value)}"`);
}
