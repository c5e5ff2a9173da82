import type { AgentIsolation } from '../types.js';
import type { OptionSpec } from './command.js';
import { UsageError } from './usage-error.js';

/** `--isolation thread|process`, which `run` and `worker` both take. */
export const ISOLATION_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'thread|process',
  description: 'Run agents that do not choose in worker threads (default) or in child processes.',
};

/** The value of `--isolation`, if given. @throws {UsageError} naming `command` for any other value. */
export function parseIsolation(
  value: string | boolean | undefined,
  command: string,
): AgentIsolation | undefined {
  if (value === undefined || value === 'thread' || value === 'process') return value;
  throw new UsageError(`--isolation expects "thread" or "process", got "${String(value)}"`, command);
}
