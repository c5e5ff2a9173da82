import { LingflowError } from '../errors.js';

/** The command line itself is wrong: an unknown command or flag, a missing argument, a bad value. */
export class UsageError extends LingflowError {
  override name = 'UsageError';
  /** The command whose help would explain, when there is one. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}
