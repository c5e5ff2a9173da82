import { parseArgs } from 'node:util';

/** What the command line asked for. */
export interface BenchArgs {
  quick: boolean;
  /** Section ids to run; all when absent. */
  sections?: string[];
  /** Folder the results go to. */
  out: string;
  help: boolean;
}

/** Usage text of `npm run bench -- …`. */
export const USAGE = `Usage: npm run bench -- [--quick] [--sections a,b] [--out DIR]

  --quick          fewer repetitions and smaller inputs: about a minute
  --sections a,b   run only these sections (by id), in the harness's order
  --out DIR        write results under DIR (default bench/results): DIR/<date-time>/ and DIR/latest.*
  --help           show this text`;

/** Parses the bench's flags. @throws {TypeError} on an unknown flag or a missing value. */
export function parseBenchArgs(argv: readonly string[], defaultOut: string): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      sections: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const sections = values.sections
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return {
    quick: values.quick ?? false,
    ...(sections ? { sections } : {}),
    out: values.out ?? defaultOut,
    help: values.help ?? false,
  };
}
