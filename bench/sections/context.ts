import { contextBenchTables, runContextBench } from '../context/context-bench.js';
import type { BenchSection } from '../harness/section.js';

/**
 * Section: context. Token counting throughput per backend, compression cost against tokenising once, bulk
 * counting on the pool against one thread, and the compression quality table (needle retention and
 * exported-signature recall against head-truncation and random-drop baselines).
 */
export const section: BenchSection = {
  id: 'context',
  title: 'Context engine: token counting, compression cost and quality',
  async run(context) {
    context.progress('token counting, compression and quality');
    const report = await runContextBench({ quick: context.quick });
    return { tables: contextBenchTables(report), raw: { ...report } };
  },
};
