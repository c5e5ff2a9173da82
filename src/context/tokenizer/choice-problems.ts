/**
 * Checks a tokenizer choice given by a user, so that a misspelt encoding or backend is reported by name rather
 * than failing inside a library.
 *
 * @module
 */
import { ENCODINGS, type SettingsProblem, TOKENIZER_BACKENDS } from '../types.js';

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
