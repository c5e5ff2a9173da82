import type { Command } from './command.js';

/** `lingflow --help`: every command with its summary. */
export function formatCommandList(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: lingflow <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "lingflow <command> --help" for a command\'s options.',
    '',
  ].join('\n');
}

/** `lingflow <command> --help`: usage, what it does, and every option. */
export function formatCommandHelp(command: Command): string {
  const flags = [
    ...Object.entries(command.options).map(([name, spec]) => ({
      flag: `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`,
      description: spec.description,
    })),
    { flag: '-h, --help', description: 'Show this help.' },
  ];
  const width = Math.max(...flags.map((entry) => entry.flag.length));
  return [
    `Usage: lingflow ${command.name} ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'Options:',
    ...flags.map(({ flag, description }) => `  ${flag.padEnd(width)}  ${description}`),
    '',
  ].join('\n');
}
