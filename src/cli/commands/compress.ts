import { basename } from 'node:path';
import { compressContext } from '../../context/index.js';
import type { Encoding } from '../../context/types.js';
import { ENCODINGS } from '../../context/types.js';
import type { Command } from '../command.js';
import { UsageError } from '../usage-error.js';
import { oneOf, readAll } from './count.js';

/** `lingflow compress`: a file as the context engine would compress it for a task. */
export const compressCommand: Command = {
  name: 'compress',
  summary: 'Compress a file to a token budget, as the context engine does for task context.',
  usage: '<file> [options]',
  details: [
    'Prints the compressed text on stdout and what was done on stderr. Code keeps its signatures and folds',
    'bodies; prose and logs keep the passages most relevant to --query.',
  ].join('\n'),
  positionals: [1, 1],
  options: {
    ratio: {
      type: 'string',
      short: 'r',
      valueName: 'R',
      description: 'Share of the tokens to keep, above 0 and at most 1 (default 0.5).',
    },
    query: {
      type: 'string',
      short: 'q',
      valueName: 'TEXT',
      description: 'What the kept text should be relevant to, like a task description.',
    },
    'max-tokens': { type: 'string', valueName: 'N', description: 'A hard ceiling on the kept tokens.' },
    encoding: {
      type: 'string',
      short: 'e',
      valueName: ENCODINGS.join('|'),
      description: `Byte-pair encoding (default ${ENCODINGS[0]}).`,
    },
  },

  async run({ values, positionals }, io) {
    const file = positionals[0]!;
    const ratio = numberFlag('ratio', values.ratio, (value) => value > 0 && value <= 1);
    const maxTokens = numberFlag(
      'max-tokens',
      values['max-tokens'],
      (value) => Number.isInteger(value) && value >= 1,
    );
    const encoding = oneOf<Encoding>('encoding', values.encoding, ENCODINGS);
    const [text] = await readAll([file]);
    // The field name tells the engine the kind of text (a `.ts` name reads as code).
    const field = basename(file);
    const compressed = await compressContext(
      { [field]: text! },
      {
        ...(ratio === undefined ? {} : { ratio }),
        ...(maxTokens === undefined ? {} : { maxTokens }),
        ...(typeof values.query === 'string' ? { query: values.query } : {}),
        ...(encoding ? { encoding } : {}),
      },
    );
    const output = compressed.context[field];
    io.stdout.write(typeof output === 'string' ? output : JSON.stringify(output));
    if (typeof output === 'string' && !output.endsWith('\n')) io.stdout.write('\n');
    const strategies = compressed.strategies[field] ?? [];
    io.stderr.write(
      `${file}: ${compressed.originalTokens.toLocaleString('en-US')} → ${compressed.keptTokens.toLocaleString('en-US')} tokens (${(compressed.ratio * 100).toFixed(0)}%)${strategies.length > 0 ? `, ${strategies.join(', ')}` : ''}\n`,
    );
    return 0;
  },
};

function numberFlag(
  flag: string,
  value: string | boolean | undefined,
  valid: (value: number) => boolean,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value === 'string' && value.trim() !== '' && valid(number)) return number;
  throw new UsageError(
    `--${flag} got "${String(value)}", which is out of range (see lingflow compress --help)`,
    'compress',
  );
}
