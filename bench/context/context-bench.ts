/**
 * The context engine's bench: counting throughput per tokenizer backend, the cost of compressing relative to
 * tokenising once, bulk-counting speed-up on worker threads, and the quality table.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { compressContext } from '../../src/context/compress-context.js';
import { nativeCounter } from '../../src/context/tokenizer/backends.js';
import { TokenCountPool } from '../../src/context/tokenizer/bulk.js';
import { exactTokenizer, getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import {
  DEFAULT_BACKEND,
  DEFAULT_ENCODING,
  TOKENIZER_BACKENDS,
  type TokenizerBackend,
} from '../../src/context/types.js';
import { formatSummary } from '../harness/format.js';
import type { BenchTable } from '../harness/section.js';
import { median, roundOrder, type SampleSummary, summarize } from '../harness/stats.js';
import { codeCorpus, declarationCorpus, mixedText, proseCorpus } from './corpus.js';
import { identifierRecall, needleRetention, type QualityResult } from './quality.js';

/** Counting speed of one backend. */
export interface BackendThroughput {
  /** The library. */
  backend: TokenizerBackend;
  /** Median time for lingflow to count the input once, caches cleared: every piece is new to it. */
  ms: number;
  /** Input size over `ms`. */
  megabytesPerSecond: number;
  /** Median time for lingflow to count the input again, with the pieces' counts remembered (content cache off). */
  warmMs: number;
  /** Median time for the library to count the input by itself (its own caches warm). */
  libraryMs: number;
}

/** The kinds of content compression is timed on. */
export type BenchContent = 'code and prose' | 'code' | 'prose';

/** What compressing one context cost. */
export interface CompressionCost {
  /** What the context held. */
  content: BenchContent;
  /** Its size in characters. */
  chars: number;
  /** Time for lingflow to count every field once, over the rounds. */
  tokenizeMs: SampleSummary;
  /** Time for the default library to count every field by itself, over the rounds. */
  libraryMs: SampleSummary;
  /** Time to compress it at the default ratio, over the rounds. */
  compressMs: SampleSummary;
  /** Compress time over lingflow's count time, round by round. */
  costRatio: SampleSummary;
  /** Compress time over the library's count time, round by round. */
  libraryCostRatio: SampleSummary;
  /** Kept over original tokens. */
  achievedRatio: number;
}

/** Everything the context bench measured. */
export interface ContextBenchReport {
  /** Characters of text counted per backend. */
  countedChars: number;
  /** One entry per backend, fastest first. */
  throughput: BackendThroughput[];
  /** Compressing a 1 MB context versus counting it once (default tokenizer), per kind of content. */
  compression: CompressionCost[];
  /** Bulk counting with one worker thread, two worker threads, and on the main thread. */
  bulk: {
    chars: number;
    mainThreadMs: number;
    oneWorkerMs: number;
    twoWorkersMs: number;
    /** Main thread over two workers, within each round. */
    speedup: SampleSummary;
  };
  /** Needle retention rows. */
  needles: QualityResult[];
  /** Identifier recall rows. */
  identifiers: QualityResult[];
}

/** Wall time of one run of `work`. */
async function timeMs(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

// Numbers every context and variant made, so that none repeats and no cache can serve it.
let made = 0;

/**
 * A context of about `chars` characters: corpus documents as fields, each copy made distinct by a first line
 * naming it.
 */
function benchContext(chars: number, content: BenchContent = 'code and prose'): Record<string, string> {
  const serial = made++;
  const code = [...codeCorpus(), ...declarationCorpus()];
  const prose = proseCorpus();
  // Alternate code and prose, so that a mixed context is mixed whatever its size.
  const mixed = code.flatMap((document, i) => [document, prose[i % prose.length]!]);
  const documents = content === 'code' ? code : content === 'prose' ? prose : mixed;
  const context: Record<string, string> = {};
  let size = 0;
  for (let copy = 0; size < chars; copy++) {
    for (const document of documents) {
      if (size >= chars) break;
      const key = `${copy}/${document.path}`;
      // A document the mixed list repeats is taken once per copy.
      if (key in context) continue;
      // A field holds at most 100,000 characters of a document, so that no one document dominates.
      const text = `// context ${serial}, copy ${copy}\n${document.text.slice(0, 100_000)}`.slice(
        0,
        chars - size,
      );
      context[key] = text;
      size += text.length;
    }
  }
  return context;
}

/**
 * Times each backend counting the text three ways, the backends taking turns within every round (in an order
 * that rotates), so that the machine's drift between rounds falls on all of them alike.
 */
async function measureThroughput(text: string, rounds: number): Promise<BackendThroughput[]> {
  const backends = TOKENIZER_BACKENDS.map((backend) => ({
    backend,
    tokenizer: exactTokenizer({ backend }),
    library: nativeCounter(backend, DEFAULT_ENCODING),
    cold: [] as number[],
    warm: [] as number[],
    alone: [] as number[],
  }));
  for (const { tokenizer, library } of backends) {
    tokenizer.count(text);
    library(text);
  }
  for (let round = 0; round < rounds; round++) {
    for (const position of roundOrder(backends.length, round)) {
      const entry = backends[position]!;
      entry.tokenizer.clearCache();
      entry.cold.push(await timeMs(() => entry.tokenizer.count(text)));
      entry.warm.push(await timeMs(() => entry.tokenizer.countUncached(text)));
      entry.alone.push(await timeMs(() => entry.library(text)));
    }
  }
  return backends
    .map(({ backend, cold, warm, alone }) => {
      const ms = median(cold);
      return {
        backend,
        ms,
        megabytesPerSecond: text.length / 1e6 / (ms / 1000),
        warmMs: median(warm),
        libraryMs: median(alone),
      };
    })
    .sort((a, b) => a.ms - b.ms);
}

/** What a compression-cost worker is asked to measure. */
export interface CompressionCostRequest {
  chars: number;
  rounds: number;
  content: BenchContent;
}

/**
 * Times counting (lingflow's, then the library's alone) and compressing, each on a fresh context, in every
 * round: ratios are taken within a round, which cancels the drift of a shared machine between rounds. Run in
 * a worker thread of its own (see {@link measureCompressionInWorker}).
 */
export async function measureCompression({
  chars,
  rounds,
  content,
}: CompressionCostRequest): Promise<CompressionCost> {
  const tokenizer = getTokenizer();
  const library = nativeCounter(DEFAULT_BACKEND, DEFAULT_ENCODING);
  const query = 'How are worker threads and tokens counted?';
  // Warm up on a context like the timed ones: grammars load and the tokenizer meets the corpus's pieces.
  await compressContext(benchContext(chars, content), { query });
  const tokenize: number[] = [];
  const alone: number[] = [];
  const compress: number[] = [];
  let achievedRatio = 0;
  for (let round = 0; round < rounds; round++) {
    const counted = Object.values(benchContext(chars, content));
    tokenize.push(await timeMs(() => counted.map((text) => tokenizer.count(text))));
    const countedAlone = Object.values(benchContext(chars, content));
    alone.push(await timeMs(() => countedAlone.map((text) => library(text))));
    const compressed = benchContext(chars, content);
    compress.push(
      await timeMs(async () => {
        achievedRatio = (await compressContext(compressed, { query })).ratio;
      }),
    );
  }
  const perRound = (over: readonly number[]): SampleSummary =>
    summarize(compress.map((ms, round) => ms / over[round]!));
  return {
    content,
    chars,
    tokenizeMs: summarize(tokenize),
    libraryMs: summarize(alone),
    compressMs: summarize(compress),
    costRatio: perRound(tokenize),
    libraryCostRatio: perRound(alone),
    achievedRatio,
  };
}

/**
 * {@link measureCompression} in a fresh worker thread, where lingflow compresses contexts: its heap holds
 * nothing of the bench's earlier sections, whose garbage would otherwise be collected on compression's time.
 */
function measureCompressionInWorker(request: CompressionCostRequest): Promise<CompressionCost> {
  const worker = new Worker(new URL('./compression-cost-worker.js', import.meta.url), {
    workerData: request,
  });
  return new Promise<CompressionCost>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`compression-cost worker exited with code ${code}`)));
  }).finally(() => worker.terminate());
}

/**
 * The texts with a marker unique to this variant and text every 16,000 characters, so that no cached count
 * applies: not even to parts that a pool cuts alike from two copies of a document.
 */
function variant(texts: readonly string[]): string[] {
  const serial = made++;
  return texts.map((text, i) => text.replace(/[\s\S]{1,16000}/g, (chunk) => `${chunk} #${serial}.${i} `));
}

/** Counting rounds before the timed ones. */
const WARM_UP_ROUNDS = 3;

/**
 * Bulk counting on the main thread, one worker and two, interleaved: each round times the three in turn (in a
 * rotating order) on fresh variants of the texts, and the speed-up is taken within the round, so that the
 * machine's drift between rounds cancels.
 */
async function measureBulk(chars: number, rounds: number): Promise<ContextBenchReport['bulk']> {
  const texts = Object.values(benchContext(chars));
  const tokenizer = getTokenizer();
  const pools = [new TokenCountPool({ workers: 1 }), new TokenCountPool({ workers: 2 })] as const;
  const settings: ((batch: readonly string[]) => unknown)[] = [
    (batch) => batch.map((text) => tokenizer.count(text)),
    (batch) => pools[0].count(batch),
    (batch) => pools[1].count(batch),
  ];
  try {
    // Warm up on the same words until steady: the libraries keep merge caches and each thread remembers the
    // pieces it has counted, but a pool's thread sees only the part of the texts it is handed in a round.
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      for (const count of settings) await count(variant(texts));
    }
    const samples: number[][] = settings.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const position of roundOrder(settings.length, round)) {
        const batch = variant(texts);
        samples[position]!.push(await timeMs(() => settings[position]!(batch)));
      }
    }
    const [mainThread, oneWorker, twoWorkers] = samples as [number[], number[], number[]];
    return {
      chars,
      mainThreadMs: median(mainThread),
      oneWorkerMs: median(oneWorker),
      twoWorkersMs: median(twoWorkers),
      speedup: summarize(mainThread.map((ms, round) => ms / twoWorkers[round]!)),
    };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/**
 * Runs the context bench.
 *
 * @param options - `quick`: one round on smaller inputs and fewer quality trials.
 */
export async function runContextBench(options: { quick: boolean }): Promise<ContextBenchReport> {
  const rounds = options.quick ? 1 : 5;
  const countedChars = options.quick ? 1_000_000 : 4_000_000;
  const throughput = await measureThroughput(mixedText(countedChars), rounds);
  const compression: CompressionCost[] = [];
  // Compression costs and bulk speed-ups are paired within rounds, and rounds are short: more of them steady
  // the median.
  const pairedRounds = options.quick ? 1 : 7;
  for (const content of ['code and prose', 'code', 'prose'] as const) {
    compression.push(await measureCompressionInWorker({ chars: 1_000_000, rounds: pairedRounds, content }));
  }
  const bulk = await measureBulk(options.quick ? 2_000_000 : 8_000_000, pairedRounds);
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
const ratioRange = (summary: SampleSummary): string => formatSummary(summary, (value) => fixed(value));
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
      columns: ['backend', 'ms', 'MB/s', 'pieces remembered ms', 'library alone ms'],
      rows: report.throughput.map((row) => [
        row.backend,
        fixed(row.ms, 0),
        fixed(row.megabytesPerSecond),
        fixed(row.warmMs, 0),
        fixed(row.libraryMs, 0),
      ]),
      notes: [
        'Medians over rounds in which the backends take turns.',
        'ms: lingflow counting the text once with its caches cleared. It splits text into pre-tokenizer ' +
          'pieces and has the library count each distinct piece once, remembering it.',
        '"pieces remembered": lingflow counting the same text again. "library alone": the library counting ' +
          'it by itself.',
      ],
    },
    {
      title: 'Compression cost versus tokenising once (1 MB contexts, default tokenizer, ratio 0.5)',
      columns: [
        'content',
        'tokenise ms',
        'library ms',
        'compress ms',
        'cost ratio',
        'vs library',
        'achieved ratio',
      ],
      rows: compression.map((row) => [
        row.content,
        fixed(row.tokenizeMs.median, 0),
        fixed(row.libraryMs.median, 0),
        fixed(row.compressMs.median, 0),
        ratioRange(row.costRatio),
        ratioRange(row.libraryCostRatio),
        fixed(row.achievedRatio, 3),
      ]),
      notes: [
        'Goal: compressing costs at most about 2× tokenising once.',
        'Each round counts one fresh context with lingflow (tokenise ms), another with the default library ' +
          'alone (library ms), and compresses a third. "cost ratio" is compress ÷ tokenise within a round, ' +
          '"vs library" compress ÷ library: median (min–max) over the rounds. Times are medians.',
        'Compressing counts the text once, noting the count at every safe cut, and counts afresh only what ' +
          'its drafts change; code adds a parse (oxc, its tree read in place; tree-sitter where oxc cannot ' +
          'parse the file).',
      ],
    },
    {
      title: `Bulk counting (${fixed(bulk.chars / 1e6, 1)} MB)`,
      columns: ['main thread ms', '1 worker ms', '2 workers ms', 'speed-up vs one thread'],
      rows: [
        [
          fixed(bulk.mainThreadMs, 0),
          fixed(bulk.oneWorkerMs, 0),
          fixed(bulk.twoWorkersMs, 0),
          ratioRange(bulk.speedup),
        ],
      ],
      notes: [
        `Each setting first counts the texts ${WARM_UP_ROUNDS} times, so that each thread has met their ` +
          'pieces, as in steady use. Every round adds markers, unique to the round and the text, so that no ' +
          'count is served from a cache.',
        'The workers claim parts of 64K characters from shared memory as the main thread writes them; the ' +
          'main thread counts each text whole.',
        'The three settings take turns within each round; times are medians, the speed-up is main thread ÷ ' +
          '2 workers within a round: median (min–max).',
        `Goal: at least 1.8× with 2 workers — ${bulk.speedup.median >= 1.8 ? 'met' : 'missed'}.`,
      ],
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
