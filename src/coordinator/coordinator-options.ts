import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { DEFAULT_CONTROL_INTERVAL_MS } from '../adaptive/live-parallelism.js';
import { recommendParallelism } from '../adaptive/recommend-parallelism.js';
import {
  type CompressionSettings,
  DEFAULT_COMPRESSION_SETTINGS,
  type Encoding,
  type TokenizerBackend,
  validateCompressionSettings,
} from '../context/index.js';
import type { ExecutorOption } from '../distributed/executor-option.js';
import { executorFromOption } from '../distributed/executor-option.js';
import type { ValidationIssue } from '../errors.js';
import { ValidationError } from '../errors.js';
import type { TaskExecutor } from '../execution/executor.js';
import { describeValue } from '../graph/validate-tasks.js';
import type { AgentIsolation, AgentSpec, FailurePolicy, Task } from '../types.js';

/** Options of `new AgentCoordinator()`. */
export interface CoordinatorOptions {
  /**
   * CPU tasks run at once, and worker threads started. Default: the given executor's `threads`, followed as
   * they change (a queue executor's `capacity`, else its workers' advertised concurrency), else
   * {@link recommendParallelism}. `'auto'`: start one thread per core and let a
   * controller change how many CPU tasks run at once while workflows run, from measured throughput and
   * other processes' CPU use (never more than the threads); see the `parallelismChanged` event. Not with a
   * queue executor whose capacity follows its workers.
   */
  maxParallelAgents?: number | 'auto';
  /** With `maxParallelAgents: 'auto'`, how often the controller measures and decides. Default 500 ms. */
  controlIntervalMs?: number;
  /**
   * CPU tasks handed to the worker pool ahead of a free thread, in runs of independent tasks (workflows
   * without dependencies), so that a thread that finishes a task starts the next one at once instead of
   * waiting for the coordinator to hear of the finish and send another. They count as queued until a
   * thread takes them, and their timeout starts then; a task waiting to be retried goes behind them.
   * Workflows with dependencies never prefetch: a task whose dependencies just completed would wait
   * behind them, whatever its critical path. Under `'auto'` the pool holds them back while the limit is
   * below its threads. Default: one per worker thread, where it applies (this process's own pool, CPU
   * agents that all have the same isolation, and with `'auto'` only worker threads); elsewhere 0.
   */
  prefetch?: number;
  /** Agents by type name. */
  agents?: Record<string, AgentSpec>;
  /** Agent for tasks that name none and match no agent's description. */
  defaultAgent?: string;
  /** Default `'continue'`. */
  failurePolicy?: FailurePolicy;
  /** Timeout of each attempt of tasks without `timeoutMs`. Default: none. */
  defaultTimeoutMs?: number;
  /** Retries of tasks without `retries`. Default 0. */
  defaultRetries?: number;
  /** Delay before the first retry; each further retry waits twice as long, up to 30 s. Default 100 ms. */
  retryDelayMs?: number;
  /** I/O tasks run at once, in total. Default: 16 per CPU slot. */
  maxParallelIo?: number;
  /** Heap and stack limits of each worker thread; for `isolation: 'process'` agents, `maxOldGenerationSizeMb` becomes `--max-old-space-size`. */
  resourceLimits?: ResourceLimits;
  /** Directory relative agent module paths resolve against. Default: `process.cwd()`. */
  baseDir?: string;
  /**
   * Runs attempts somewhere other than this process's worker threads: an executor, or
   * `{ type: 'bullmq', connection: 'redis://…', queue: 'lingflow' }` for `lingflow worker` processes.
   */
  executor?: ExecutorOption;
  /** Where agents that do not choose run: `thread` (default) or `process` (Tinypool child processes). */
  isolation?: AgentIsolation;
  /** Count and compress each task's context in the worker before its agent runs. Default true. */
  enableCompression?: boolean;
  /** Share of a context's tokens to keep, in (0, 1]. Default 0.5. */
  compressionRatio?: number;
  /** Hard ceiling on a context's tokens; a context that cannot fit fails its task with `TokenLimitError`. */
  maxContextTokens?: number;
  /** Encoding tokens are counted in: `o200k_base` (default) or `cl100k_base`. */
  encoding?: Encoding;
  /** Tokenizer library that counts: `gpt-tokenizer` (default, the fastest here), `js-tiktoken`, `tiktoken-wasm`. */
  tokenizer?: TokenizerBackend;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  maxParallelAgents: number;
  /**
   * `maxParallelAgents` was not given and the executor's `threads` may change (a queue's workers come and
   * go): the CPU limit follows them, and the I/O limit with it unless `maxParallelIo` was given.
   */
  followExecutorThreads: boolean;
  /** The I/O limit that goes with a CPU limit: `maxParallelIo` if given, else 16 per CPU slot. */
  ioLimitFor(cpuLimit: number): number;
  /** `maxParallelAgents: 'auto'`: the CPU-task limit follows the controller, up to `maxParallelAgents`. */
  autoParallelism: boolean;
  /** CPU tasks handed to the pool ahead of a free thread. */
  prefetch: number;
  controlIntervalMs: number;
  maxParallelIo: number;
  agents: Record<string, AgentSpec>;
  defaultAgent: string | undefined;
  failurePolicy: FailurePolicy;
  defaultTimeoutMs: number | undefined;
  defaultRetries: number;
  retryDelayMs: number;
  resourceLimits: ResourceLimits | undefined;
  baseDir: string;
  executor: TaskExecutor | undefined;
  isolation: AgentIsolation;
  /** Compression settings of tasks that do not override them. */
  compression: CompressionSettings;
}

const POLICIES: readonly FailurePolicy[] = ['continue', 'fail-fast'];
const ISOLATIONS: readonly AgentIsolation[] = ['thread', 'process'];
const MAX_RETRY_DELAY_MS = 30_000;
/** I/O tasks at once per CPU slot when `maxParallelIo` is not given: they mostly wait. */
const IO_PER_CPU_SLOT = 16;

/** Exponential backoff: `base`, `2 × base`, `4 × base`, … capped at 30 s. */
export function retryDelay(baseMs: number, failedAttempt: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** (failedAttempt - 1));
}

/** A task's compression settings: the coordinator's, with the task's own overrides. */
export function taskCompression(
  task: Pick<Task, 'enableCompression' | 'compressionRatio' | 'maxContextTokens'>,
  defaults: CompressionSettings,
): CompressionSettings {
  const maxContextTokens = task.maxContextTokens ?? defaults.maxContextTokens;
  return {
    ...defaults,
    enableCompression: task.enableCompression ?? defaults.enableCompression,
    compressionRatio: task.compressionRatio ?? defaults.compressionRatio,
    ...(maxContextTokens === undefined ? {} : { maxContextTokens }),
  };
}

/** Checks the coordinator's options, reporting every problem at once, and fills in defaults. */
export function resolveOptions(options: CoordinatorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(
      [{ field: 'options', message: `expected an object, got ${describeValue(options)}` }],
      'coordinator options',
    );
  }
  const issues: ValidationIssue[] = [];
  const report = (field: string, message: string) => issues.push({ field, message });
  const positiveInteger = (field: string, value: unknown) => {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) {
      report(field, `expected a whole number of at least 1, got ${describeValue(value)}`);
    }
  };
  const positiveNumber = (field: string, value: unknown) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      report(field, `expected a positive number of milliseconds, got ${describeValue(value)}`);
    }
  };

  if (options.maxParallelAgents !== 'auto') positiveInteger('maxParallelAgents', options.maxParallelAgents);
  positiveNumber('controlIntervalMs', options.controlIntervalMs);
  positiveInteger('maxParallelIo', options.maxParallelIo);
  positiveNumber('defaultTimeoutMs', options.defaultTimeoutMs);
  positiveNumber('retryDelayMs', options.retryDelayMs);
  const { defaultRetries, prefetch } = options;
  if (prefetch !== undefined && !(Number.isInteger(prefetch) && prefetch >= 0)) {
    report('prefetch', `expected a whole number of at least 0, got ${describeValue(prefetch)}`);
  }
  if (defaultRetries !== undefined && !(Number.isInteger(defaultRetries) && defaultRetries >= 0)) {
    report('defaultRetries', `expected a whole number of at least 0, got ${describeValue(defaultRetries)}`);
  }
  if (options.failurePolicy !== undefined && !POLICIES.includes(options.failurePolicy)) {
    report(
      'failurePolicy',
      `expected 'continue' or 'fail-fast', got ${describeValue(options.failurePolicy)}`,
    );
  }
  if (options.isolation !== undefined && !ISOLATIONS.includes(options.isolation)) {
    report('isolation', `expected 'thread' or 'process', got ${describeValue(options.isolation)}`);
  }
  const agents = options.agents ?? {};
  if (typeof agents !== 'object' || agents === null)
    report('agents', 'expected an object of agent specs by name');
  for (const [name, spec] of Object.entries(agents)) {
    if (typeof spec !== 'object' || spec === null) {
      report(`agents.${name}`, 'expected an agent spec object');
      continue;
    }
    if (!(typeof spec.module === 'string' && spec.module !== '') && !(spec.module instanceof URL)) {
      report(`agents.${name}.module`, 'expected a module path or URL');
    }
    if (spec.kind !== undefined && spec.kind !== 'cpu' && spec.kind !== 'io') {
      report(`agents.${name}.kind`, `expected 'cpu' or 'io', got ${describeValue(spec.kind)}`);
    }
    if (spec.isolation !== undefined && !ISOLATIONS.includes(spec.isolation)) {
      report(
        `agents.${name}.isolation`,
        `expected 'thread' or 'process', got ${describeValue(spec.isolation)}`,
      );
    }
  }
  const compressionOptions = {
    enableCompression: options.enableCompression,
    compressionRatio: options.compressionRatio,
    maxContextTokens: options.maxContextTokens,
    encoding: options.encoding,
    backend: options.tokenizer,
  };
  for (const { field, message } of validateCompressionSettings(compressionOptions, '')) {
    report(field === 'backend' ? 'tokenizer' : field, message);
  }
  const { defaultAgent, baseDir, resourceLimits } = options as Record<string, unknown>;
  if (defaultAgent !== undefined && typeof defaultAgent !== 'string')
    report('defaultAgent', `expected an agent name, got ${describeValue(defaultAgent)}`);
  else if (defaultAgent !== undefined && !Object.hasOwn(agents, defaultAgent)) {
    report('defaultAgent', `unknown agent "${defaultAgent}"`);
  }
  if (baseDir !== undefined && typeof baseDir !== 'string')
    report('baseDir', `expected a directory path, got ${describeValue(baseDir)}`);
  for (const [field, value] of [
    ['executor', options.executor],
    ['resourceLimits', resourceLimits],
  ] as const) {
    if (value !== undefined && (typeof value !== 'object' || value === null))
      report(field, `expected an object, got ${describeValue(value)}`);
  }
  if (issues.length > 0) throw new ValidationError(issues, 'coordinator options');

  const executor = executorFromOption(options.executor);
  const autoParallelism = options.maxParallelAgents === 'auto';
  if (autoParallelism && executor?.watchThreads) {
    const message =
      "'auto' follows this machine's load, but the executor's capacity follows its workers: give a number, or the executor a fixed capacity";
    throw new ValidationError([{ field: 'maxParallelAgents', message }], 'coordinator options');
  }
  const cpuIsolation = cpuIsolationOf(agents, options.isolation ?? 'thread');
  const prefetchBlocker =
    executor !== undefined
      ? 'tasks go to the given executor, which does its own queueing'
      : cpuIsolation === 'mixed'
        ? 'CPU agents run in both threads and processes, whose pools would each start a task handed ahead'
        : autoParallelism && cpuIsolation === 'process'
          ? "'auto' may lower the limit below the worker processes, which would start tasks handed ahead on any idle one"
          : undefined;
  if (prefetchBlocker !== undefined && prefetch !== undefined && prefetch > 0) {
    throw new ValidationError(
      [{ field: 'prefetch', message: `must be 0 here: ${prefetchBlocker}` }],
      'coordinator options',
    );
  }
  const maxParallelAgents = autoParallelism
    ? (executor?.threads ?? availableParallelism())
    : ((options.maxParallelAgents as number | undefined) ?? executor?.threads ?? recommendParallelism());
  const givenIo = options.maxParallelIo;
  const ioLimitFor = (cpuLimit: number) => givenIo ?? IO_PER_CPU_SLOT * cpuLimit;
  return {
    maxParallelAgents,
    followExecutorThreads: options.maxParallelAgents === undefined && executor?.watchThreads !== undefined,
    ioLimitFor,
    autoParallelism,
    prefetch: prefetchBlocker === undefined ? (prefetch ?? maxParallelAgents) : 0,
    controlIntervalMs: options.controlIntervalMs ?? DEFAULT_CONTROL_INTERVAL_MS,
    maxParallelIo: ioLimitFor(maxParallelAgents),
    agents,
    defaultAgent: options.defaultAgent,
    failurePolicy: options.failurePolicy ?? 'continue',
    defaultTimeoutMs: options.defaultTimeoutMs,
    defaultRetries: options.defaultRetries ?? 0,
    retryDelayMs: options.retryDelayMs ?? 100,
    resourceLimits: options.resourceLimits,
    baseDir: options.baseDir ?? process.cwd(),
    executor,
    isolation: options.isolation ?? 'thread',
    compression: {
      ...DEFAULT_COMPRESSION_SETTINGS,
      ...Object.fromEntries(Object.entries(compressionOptions).filter(([, value]) => value !== undefined)),
    },
  };
}

/** Where CPU agents run: worker threads, worker processes, or both (`'mixed'`). */
function cpuIsolationOf(
  agents: Record<string, AgentSpec>,
  defaultIsolation: AgentIsolation,
): AgentIsolation | 'mixed' {
  const isolations = new Set(
    Object.values(agents)
      .filter((spec) => spec.kind !== 'io')
      .map((spec) => spec.isolation ?? defaultIsolation),
  );
  return isolations.size > 1 ? 'mixed' : ([...isolations][0] ?? defaultIsolation);
}
