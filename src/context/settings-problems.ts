/**
 * Checks of context-engine settings given by a user, shared by the coordinator's validation and the engine's
 * own entry points, so that a bad setting is reported by name, with what is allowed, rather than failing deep
 * inside (a library's loader, a budget of NaN).
 *
 * @module
 */
import { ENCODINGS, type SettingsProblem, TOKENIZER_BACKENDS } from './types.js';

/**
 * The problem with a share of tokens to keep, if it is given and not a number in (0, 1].
 *
 * @param field - The setting's name as the user gave it, e.g. `compressionRatio` or `tasks[2].compressionRatio`.
 * @param value - Its value as given, undefined if not given.
 * @returns The problem, or none.
 */
export function ratioProblems(field: string, value: unknown): SettingsProblem[] {
  return value === undefined || (typeof value === 'number' && value > 0 && value <= 1)
    ? []
    : [
        {
          field,
          message: `must be a number greater than 0 and at most 1 (share of tokens kept), got ${String(value)}`,
        },
      ];
}

/**
 * The problem with a token ceiling, if it is given and not a positive integer.
 *
 * @param field - The setting's name as the user gave it.
 * @param value - Its value as given, undefined if not given.
 * @returns The problem, or none.
 */
export function tokenLimitProblems(field: string, value: unknown): SettingsProblem[] {
  return value === undefined || (Number.isInteger(value) && (value as number) > 0)
    ? []
    : [{ field, message: `must be a positive integer, got ${String(value)}` }];
}

/**
 * The problems of a tokenizer choice as given: an unknown encoding or backend.
 *
 * @param choice - `encoding` and `backend` as given (either may be absent).
 * @param at - Names a field where it was given, e.g. `encoding` → `tasks[2].encoding`.
 * @returns The problems found; empty if the choice is valid.
 */
export function tokenizerChoiceProblems(
  choice: { encoding?: unknown; backend?: unknown },
  at: (field: string) => string = (field) => field,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const { encoding, backend } = choice;
  if (encoding !== undefined && !(ENCODINGS as readonly unknown[]).includes(encoding)) {
    problems.push({
      field: at('encoding'),
      message: `must be one of ${ENCODINGS.join(', ')}, got ${String(encoding)}`,
    });
  }
  if (backend !== undefined && !(TOKENIZER_BACKENDS as readonly unknown[]).includes(backend)) {
    problems.push({
      field: at('backend'),
      message: `must be one of ${TOKENIZER_BACKENDS.join(', ')}, got ${String(backend)}`,
    });
  }
  return problems;
}
