import type { SampleSummary } from './stats.js';

/** Milliseconds, to a precision that suits their size: `0.42`, `12.3`, `812`. */
export function formatMs(ms: number): string {
  if (ms < 1) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** A median with its min and max: `812 (805–830)`. */
export function formatSummary(summary: SampleSummary, format: (value: number) => string = formatMs): string {
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

/** A factor: `1.93×`. */
export function formatFactor(value: number): string {
  return `${value.toFixed(2)}×`;
}

/** A fraction as a percentage: `96.5%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A large count with thousands separators: `20,000`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `met` or `MISSED`, for goal lines. */
export function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}
