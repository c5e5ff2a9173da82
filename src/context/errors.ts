/**
 * Typed errors of the context engine, all `LingflowError`s; `src/index.ts` exports them.
 *
 * @module
 */

import { LingflowError } from '../errors.js';

/** Base class of every error the context engine throws. */
export class ContextEngineError extends LingflowError {
  /** @param message - What went wrong and what to change. */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Details carried by a {@link TokenLimitError}. */
export interface TokenLimitDetails {
  /** The task whose context did not fit, when known. */
  taskId?: string;
  /** The context field that could not be made to fit, when one field is to blame. */
  field?: string;
  /** Tokens the context needs at the least (its parts that are never compressed). */
  neededTokens: number;
  /** The ceiling it had to fit in. */
  maxTokens: number;
}

/**
 * A context cannot be brought within its token ceiling without dropping parts that are kept whole
 * (non-string values and short scalar fields).
 */
export class TokenLimitError extends ContextEngineError {
  /** The task whose context did not fit, when known. */
  readonly taskId: string | undefined;
  /** The field to blame, when one is. */
  readonly field: string | undefined;
  /** Tokens needed at the least. */
  readonly neededTokens: number;
  /** The ceiling. */
  readonly maxTokens: number;

  /** @param details - What was needed and what was allowed. */
  constructor(details: TokenLimitDetails) {
    const who = details.taskId === undefined ? 'Context' : `Context of task "${details.taskId}"`;
    const where = details.field === undefined ? '' : ` (field "${details.field}")`;
    super(
      `${who}${where} needs at least ${details.neededTokens} tokens but the limit is ${details.maxTokens}. ` +
        'Raise maxContextTokens, move large non-string values out of the context, ' +
        'or split the task into smaller units.',
    );
    this.taskId = details.taskId;
    this.field = details.field;
    this.neededTokens = details.neededTokens;
    this.maxTokens = details.maxTokens;
  }

  /** The details this error was made from. */
  details(): TokenLimitDetails {
    return {
      ...(this.taskId === undefined ? {} : { taskId: this.taskId }),
      ...(this.field === undefined ? {} : { field: this.field }),
      neededTokens: this.neededTokens,
      maxTokens: this.maxTokens,
    };
  }
}
