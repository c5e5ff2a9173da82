/**
 * The context engine's bench: counting throughput per tokenizer backend, the cost of compressing relative to
 * tokenising once, bulk-counting speed-up on worker threads, and the quality table.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { compressContext } from '../../src/context/compress-context.js';
import { TokenCountPool } from '../../src/context/tokenizer/bulk.js';
import { getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import { TOKENIZER_BACKENDS, type TokenizerBackend } from '../../src/context/types.js';
import type { BenchTable } from '../harness/section.js';
import { codeCorpus, declarationCorpus, mixedText, proseCorpus } from './corpus.js';
import { identifierRecall, needleRetention, type QualityResult } from './quality.js';

/** Counting speed of one backend. */
export interface BackendThroughput {
  /** The library. */
  backend: TokenizerBackend;
  /** Median time to count the input once, cache cleared. */
  ms: number;
  /** Input size over time. */
  megabytesPerSecond: number;
}

/** Everything the context bench measured. */
export interface ContextBenchReport {
  /** Characters of text counted per backend. */
  countedChars: number;
  /** One entry per backend, fastest first. */
  throughput: BackendThroughput[];
  /** Compressing a 1 MB context of code and prose versus counting it once (default tokenizer). */
  compression: {
    chars: number;
    tokenizeMs: number;
    compressMs: number;
    costRatio: number;
    achievedRatio: number;
  };
  /** Bulk counting with one worker thread, two worker threads, and on the main thread. */
  bulk: { chars: number; mainThreadMs: number; oneWorkerMs: number; twoWorkersMs: number; speedup: number };
  /** Needle retention rows. */
  needles: QualityResult[];
  /** Identifier recall rows. */
  identifiers: QualityResult[];
}

/** Median wall time of `rounds` runs of `work`, each after `prepare`. */
async function medianMs(rounds: number, prepare: () => void, work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    prepare();
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/**
 * A context of about `chars` characters: every corpus document as a field, each copy made distinct by a first
 * line naming it and the `round`, so that no cache can serve a repeat.
 */
function benchContext(chars: number, round = 0): Record<string, string> {
  const documents = [...codeCorpus(), ...proseCorpus(), ...declarationCorpus()];
  const context: Record<string, string> = {};
  let size = 0;
  for (let copy = 0; size < chars; copy++) {
    for (const document of documents) {
      if (size >= chars) break;
      const text = `// round ${round}, copy ${copy}\n${document.text}`.slice(0, chars - size);
      context[`${copy}/${document.path}`] = text;
      size += text.length;
    }
  }
  return context;
}

async function measureThroughput(text: string, rounds: number): Promise<BackendThroughput[]> {
  const results: BackendThroughput[] = [];
  for (const backend of TOKENIZER_BACKENDS) {
    const tokenizer = getTokenizer({ backend });
    tokenizer.count(text);
    const ms = await medianMs(
      rounds,
      () => tokenizer.clearCache(),
      () => tokenizer.count(text),
    );
    results.push({ backend, ms, megabytesPerSecond: text.length / 1e6 / (ms / 1000) });
  }
  return results.sort((a, b) => a.ms - b.ms);
}

async function measureCompression(chars: number, rounds: number): Promise<ContextBenchReport['compression']> {
  const tokenizer = getTokenizer();
  await compressContext(benchContext(50_000, -1));
  let round = 0;
  let context: Record<string, string> = {};
  const nextContext = (): void => {
    context = benchContext(chars, round++);
  };
  const tokenizeMs = await medianMs(rounds, nextContext, () => {
    for (const text of Object.values(context)) tokenizer.count(text);
  });
  let achievedRatio = 0;
  const query = 'How are worker threads and tokens counted?';
  const compressMs = await medianMs(rounds, nextContext, async () => {
    achievedRatio = (await compressContext(context, { query })).ratio;
  });
  return { chars, tokenizeMs, compressMs, costRatio: compressMs / tokenizeMs, achievedRatio };
}

async function timePool(workers: number, texts: readonly string[], rounds: number): Promise<number> {
  const pool = new TokenCountPool({ workers });
  try {
    // Warm up on the same documents: the tokenizer libraries keep merge caches that the main thread has warm.
    await pool.count(texts.map((text) => `warm-up\n${text}`));
    let round = 0;
    return await medianMs(
      rounds,
      () => round++,
      () => pool.count(texts.map((text) => `${round}\n${text}`)),
    );
  } finally {
    await pool.close();
  }
}

async function measureBulk(chars: number, rounds: number): Promise<ContextBenchReport['bulk']> {
  const texts = Object.values(benchContext(chars));
  const tokenizer = getTokenizer();
  const mainThreadMs = await medianMs(
    rounds,
    () => tokenizer.clearCache(),
    () => {
      for (const text of texts) tokenizer.count(text);
    },
  );
  const oneWorkerMs = await timePool(1, texts, rounds);
  const twoWorkersMs = await timePool(2, texts, rounds);
  return { chars, mainThreadMs, oneWorkerMs, twoWorkersMs, speedup: mainThreadMs / twoWorkersMs };
}

/**
 * Runs the context bench.
 *
 * @param options - `quick`: one round on smaller inputs and fewer quality trials.
 */
export async function runContextBench(options: { quick: boolean }): Promise<ContextBenchReport> {
  const rounds = options.quick ? 1 : 3;
  const countedChars = options.quick ? 1_000_000 : 4_000_000;
  const throughput = await measureThroughput(mixedText(countedChars), rounds);
  const compression = await measureCompression(1_000_000, rounds);
  const bulk = await measureBulk(options.quick ? 2_000_000 : 8_000_000, rounds);
  const trials = options.quick ? 10 : 40;
  const needles: QualityResult[] = [];
  const identifiers: QualityResult[] = [];
  for (const ratio of [0.5, 0.25]) {
    for (const method of ['compress', 'head', 'random'] as const) {
      needles.push(await needleRetention({ ratio, method, trials }));
      identifiers.push(await identifierRecall({ ratio, method }));
    }
  }
  return { countedChars, throughput, compression, bulk, needles, identifiers };
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function qualityRows(results: readonly QualityResult[]): (string | number)[][] {
  return results.map((result) => [
    result.method,
    fixed(result.targetRatio),
    fixed(result.achievedRatio, 3),
    percent(result.score),
    result.trials,
  ]);
}

/** The bench's figures as tables for the bench report. */
export function contextBenchTables(report: ContextBenchReport): BenchTable[] {
  const { compression, bulk } = report;
  return [
    {
      title: `Token counting throughput (o200k_base, ${fixed(report.countedChars / 1e6, 1)} MB of code and docs)`,
      columns: ['backend', 'ms', 'MB/s'],
      rows: report.throughput.map((row) => [row.backend, fixed(row.ms, 0), fixed(row.megabytesPerSecond)]),
    },
    {
      title: 'Compression cost versus tokenising once (1 MB context, default tokenizer)',
      columns: ['tokenise ms', 'compress ms', 'cost ratio', 'achieved ratio'],
      rows: [
        [
          fixed(compression.tokenizeMs, 0),
          fixed(compression.compressMs, 0),
          fixed(compression.costRatio),
          fixed(compression.achievedRatio, 3),
        ],
      ],
      notes: [`Goal: cost ratio at most about 2 — ${compression.costRatio <= 2 ? 'met' : 'missed'}.`],
    },
    {
      title: `Bulk counting (${fixed(bulk.chars / 1e6, 1)} MB)`,
      columns: ['main thread ms', '1 worker ms', '2 workers ms', 'speed-up vs one thread'],
      rows: [
        [
          fixed(bulk.mainThreadMs, 0),
          fixed(bulk.oneWorkerMs, 0),
          fixed(bulk.twoWorkersMs, 0),
          fixed(bulk.speedup),
        ],
      ],
      notes: [`Goal: at least 1.8× with 2 workers — ${bulk.speedup >= 1.8 ? 'met' : 'missed'}.`],
    },
    {
      title: 'Needle retention (needle plus 5 look-alike distractors in two package READMEs)',
      columns: ['method', 'target ratio', 'achieved ratio', 'needles kept', 'trials'],
      rows: qualityRows(report.needles),
      notes: ['Goal: compress keeps 100% at 0.5 and at least 95% at 0.25.'],
    },
    {
      title: 'Exported signature recall (gpt-tokenizer TypeScript sources)',
      columns: ['method', 'target ratio', 'achieved ratio', 'signatures kept', 'signatures'],
      rows: qualityRows(report.identifiers),
      notes: ['Goal: compress keeps at least 98% at 0.5.'],
    },
  ];
}

/** The bench's figures as Markdown. */
export function formatContextBench(report: ContextBenchReport): string {
  return contextBenchTables(report)
    .map((table) =>
      [
        `### ${table.title}`,
        '',
        `| ${table.columns.join(' | ')} |`,
        `|${table.columns.map(() => ' --- |').join('')}`,
        ...table.rows.map((row) => `| ${row.join(' | ')} |`),
        ...(table.notes ?? []).map((note) => `\n${note}`),
      ].join('\n'),
    )
    .join('\n\n');
}
