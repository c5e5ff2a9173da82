import { readFileSync } from 'node:fs';
import { LingflowError } from '../errors.js';
import { closestName } from '../workflow-file/closest-name.js';
import { WorkflowFileError } from '../workflow-file/workflow-file-error.js';
import type { CliIo, Command } from './command.js';
import { commands as allCommands } from './commands.js';
import { formatCommandHelp, formatCommandList } from './help.js';
import { parseCommandLine } from './parse-command-line.js';
import { UsageError } from './usage-error.js';

/** Exit code of a wrong command line or workflow file: nothing ran. */
export const EXIT_USAGE = 2;

/**
 * Runs `lingflow` with its arguments (without `node` and the script): picks the command, parses its flags,
 * runs it, and turns errors into messages on stderr and exit codes. Never throws for user mistakes.
 *
 * @returns The exit code.
 */
export async function runCli(
  args: readonly string[],
  io: CliIo,
  commands: readonly Command[] = allCommands,
): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr.write(formatCommandList(commands));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = commands.find((candidate) => candidate.name === rest[0]);
    io.stdout.write(command ? formatCommandHelp(command) : formatCommandList(commands));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  try {
    if (!command) {
      const suggestion = closestName(
        name,
        commands.map((candidate) => candidate.name),
      );
      throw new UsageError(
        `unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (commands: ${commands.map((c) => c.name).join(', ')})`,
      );
    }
    if (command.passThrough) return await command.run({ values: {}, positionals: rest }, io);
    const input = parseCommandLine(command, rest);
    if (input === 'help') {
      io.stdout.write(formatCommandHelp(command));
      return 0;
    }
    return await command.run(input, io);
  } catch (error) {
    return report(error, io, command);
  }
}

function report(error: unknown, io: CliIo, command: Command | undefined): number {
  if (error instanceof UsageError) {
    const helpFor = error.command ?? command?.name;
    io.stderr.write(
      `lingflow: ${error.message}\n${helpFor ? `Run "lingflow ${helpFor} --help" for usage.` : 'Run "lingflow --help" for usage.'}\n`,
    );
    return EXIT_USAGE;
  }
  if (error instanceof WorkflowFileError) {
    io.stderr.write(`lingflow: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof LingflowError) {
    io.stderr.write(`lingflow: ${error.message}\n`);
    return 1;
  }
  // Not a mistake of the user's: keep the stack for the bug report.
  io.stderr.write(
    `lingflow: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}

function packageVersion(): string {
  // From dist/src/cli/ the package root is three levels up.
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
