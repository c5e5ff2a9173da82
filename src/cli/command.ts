import type { Writable } from 'node:stream';

/** A command-line option, as `node:util` parseArgs takes it plus what help shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help after the flag, e.g. `N` in `--parallel N`. */
  valueName?: string;
  description: string;
}

/** Where a command writes, and what it knows of its surroundings; tests pass their own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Aborts on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
}

/** What a command's `run` receives: parsed flag values and positional arguments. */
export interface CommandInput {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * One `lingflow` subcommand. Each lives in its own file under `src/cli/commands/` and is listed in
 * `src/cli/commands.ts`; adding a command is one new file and one line there.
 */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Arguments after the command name, e.g. `<workflow.json|yaml> [options]`. */
  usage: string;
  /** Paragraphs shown in `lingflow <command> --help`. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments accepted: `[min, max]`; `max` may be `Infinity`. */
  positionals: readonly [number, number];
  /**
   * Hand every argument, `--help` included, to `run` as positionals unparsed: for commands that front
   * another program with its own flags.
   */
  passThrough?: boolean;
  /** Runs the command. @returns The process exit code. */
  run(input: CommandInput, io: CliIo): Promise<number>;
}
