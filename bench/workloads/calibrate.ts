import { performance } from 'node:perf_hooks';
import { burn } from './burn.js';

/** How many {@link burn} iterations make one millisecond of CPU work on this machine. */
export interface BurnCalibration {
  iterationsPerMs: number;
  /** Milliseconds each timing took, for the report. */
  samplesMs: number[];
}

const SAMPLE_MS = 40;

/**
 * Measures the speed of {@link burn} on the main thread: grows the iteration count until one call takes
 * about 40 ms (so JIT warm-up and timer resolution do not matter), then takes the fastest of five
 * timings, the one least disturbed by other processes.
 */
export function calibrateBurn(): BurnCalibration {
  let iterations = 100_000;
  for (;;) {
    const ms = time(iterations);
    if (ms >= SAMPLE_MS / 2) {
      iterations = Math.round((iterations * SAMPLE_MS) / ms);
      break;
    }
    iterations *= 2;
  }
  const samplesMs = Array.from({ length: 5 }, () => time(iterations));
  return { iterationsPerMs: iterations / Math.min(...samplesMs), samplesMs };
}

function time(iterations: number): number {
  const start = performance.now();
  burn(iterations, iterations);
  return performance.now() - start;
}
