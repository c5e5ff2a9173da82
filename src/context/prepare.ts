/**
 * The worker pipeline's entry into the context engine: count a task's context and, if enabled, compress it
 * before the agent runs. Also validates compression settings for the engine's up-front validation.
 *
 * @module
 */
import { type CompressedContext, compressContext, fieldText } from './compress-context.js';
import { TokenLimitError } from './errors.js';
import { ratioProblems, tokenizerChoiceProblems, tokenLimitProblems } from './settings-problems.js';
import { getTokenizer } from './tokenizer/tokenizer.js';
import type { CompressionSettings, Context, ContextReport, SettingsProblem } from './types.js';

/** Settings for one task's context, with what the task is about. */
export interface PrepareContextOptions extends CompressionSettings {
  /** The task description, which decides what is relevant. */
  query?: string;
  /** The task, named in a {@link TokenLimitError}. */
  taskId?: string;
}

/** A context ready for the agent, with the report that goes into the task's result. */
export interface PreparedContext {
  /** The (possibly compressed) context, same keys as given. */
  context: Record<string, unknown>;
  /** Token counts and strategies. */
  report: ContextReport;
}

function uncompressed(context: Context, options: PrepareContextOptions): PreparedContext {
  const tokenizer = getTokenizer(options);
  const strategies: Record<string, string[]> = {};
  let tokens = 0;
  for (const [key, value] of Object.entries(context)) {
    tokens += tokenizer.count(fieldText(value));
    strategies[key] = ['keep'];
  }
  if (options.maxContextTokens !== undefined && tokens > options.maxContextTokens) {
    throw new TokenLimitError({
      ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
      neededTokens: tokens,
      maxTokens: options.maxContextTokens,
    });
  }
  return {
    context: { ...context },
    report: { originalTokens: tokens, keptTokens: tokens, ratio: 1, strategies },
  };
}

/**
 * Counts and compresses a task's context as its settings say. Runs in the worker thread.
 *
 * @param context - The task's context.
 * @param options - Compression settings, task description and task id.
 * @returns The context for the agent and the report for the task's result.
 * @throws {@link TokenLimitError} if the context cannot fit `maxContextTokens`.
 */
export async function prepareContext(
  context: Context,
  options: PrepareContextOptions,
): Promise<PreparedContext> {
  if (!options.enableCompression) return uncompressed(context, options);
  const compressed: CompressedContext = await compressContext(context, {
    ratio: options.compressionRatio,
    encoding: options.encoding,
    backend: options.backend,
    ...(options.maxContextTokens === undefined ? {} : { maxTokens: options.maxContextTokens }),
    ...(options.query === undefined ? {} : { query: options.query }),
    ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
  });
  const { context: compressedContext, ...report } = compressed;
  return { context: compressedContext, report };
}

/**
 * Checks compression settings given by a user, reporting every problem rather than the first.
 *
 * @param settings - Settings as given (any subset; unknown keys are ignored).
 * @param where - Prefix for the problems' field names, e.g. `coordinator` or `tasks[2]`.
 * @returns The problems found; empty if the settings are valid.
 */
export function validateCompressionSettings(
  settings: Partial<Record<keyof CompressionSettings, unknown>>,
  where: string,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const at = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const { enableCompression, compressionRatio, maxContextTokens, encoding, backend } = settings;
  if (enableCompression !== undefined && typeof enableCompression !== 'boolean') {
    problems.push({
      field: at('enableCompression'),
      message: `must be true or false, got ${String(enableCompression)}`,
    });
  }
  return [
    ...problems,
    ...ratioProblems(at('compressionRatio'), compressionRatio),
    ...tokenLimitProblems(at('maxContextTokens'), maxContextTokens),
    ...tokenizerChoiceProblems({ encoding, backend }, at),
  ];
}
