import { parseArgs } from 'node:util';
import { closestName } from '../workflow-file/closest-name.js';
import type { Command, CommandInput } from './command.js';
import { UsageError } from './usage-error.js';

/** Every command takes `--help`. */
const HELP = { type: 'boolean', short: 'h' } as const;

/**
 * Parses a command's arguments strictly, turning `node:util` parseArgs errors into a `UsageError` that names
 * the flag and suggests the closest known one.
 *
 * @returns The parsed input, or `'help'` when `--help` was given.
 */
export function parseCommandLine(command: Command, args: readonly string[]): CommandInput | 'help' {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, { type, short }]) => [
      name,
      short ? { type, short } : { type },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: HELP },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(explainParseError(command, error as Error & { code?: string }), command.name);
  }
  if (parsed.values.help === true) return 'help';
  const [min, max] = command.positionals;
  const count = parsed.positionals.length;
  if (count < min)
    throw new UsageError(`missing argument: lingflow ${command.name} ${command.usage}`, command.name);
  if (count > max) {
    throw new UsageError(
      `unexpected argument "${parsed.positionals[max]}": lingflow ${command.name} ${command.usage}`,
      command.name,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  return { values, positionals: parsed.positionals };
}

function explainParseError(command: Command, error: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^'\s]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const name = flag?.replace(/^-+/, '').split('=')[0] ?? '';
      const suggestion = closestName(name, [...Object.keys(command.options), 'help']);
      return `unknown option ${flag ?? ''} for "lingflow ${command.name}"${suggestion ? `; did you mean --${suggestion}?` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = flag?.replace(/^-+/, '').split(/[=\s]/)[0] ?? '';
      const spec = command.options[name];
      return spec?.type === 'string'
        ? `option --${name} needs a value: --${name} ${spec.valueName ?? 'VALUE'}`
        : `option --${name} takes no value`;
    }
    default:
      return error.message;
  }
}
