import type { Command } from './command.js';
import { benchCommand } from './commands/bench.js';
import { compressCommand } from './commands/compress.js';
import { countCommand } from './commands/count.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { workerCommand } from './commands/worker.js';

/** Every `lingflow` subcommand, in the order `lingflow --help` lists them. Add a command here. */
export const commands: readonly Command[] = [
  runCommand,
  planCommand,
  countCommand,
  compressCommand,
  benchCommand,
  workerCommand,
];
