import { performance } from 'node:perf_hooks';
import { busyWarnings, cpuActivity, cpuSnapshot, machineInfo } from './machine.js';
import type { ProgressStream } from './progress.js';
import { ProgressDisplay } from './progress.js';
import type { BenchReport, SectionReport, WrittenReport } from './report.js';
import { textTable, writeReport } from './report.js';
import type { BenchSection } from './section.js';

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  sections: readonly BenchSection[];
  quick: boolean;
  /** Results folder: the run goes to `<outRoot>/<date-time>/`, copies to `<outRoot>/latest.*`. */
  outRoot: string;
  /** Where the summary goes (stdout). */
  output: { write(text: string): unknown };
  /** Where the progress display goes (stderr). */
  progress: ProgressStream;
}

/**
 * Runs the sections in order, watching the machine's CPU around each, writes the report files and prints
 * the summary tables. A section that throws is reported as failed and the rest still run.
 */
export async function runBench(
  options: RunBenchOptions,
): Promise<{ report: BenchReport; written: WrittenReport }> {
  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  const display = new ProgressDisplay(options.progress);
  const before = cpuSnapshot();
  const sections: SectionReport[] = [];

  for (const [position, section] of options.sections.entries()) {
    display.setPrefix(`[${position + 1}/${options.sections.length} ${section.id}]`);
    display.update('starting');
    const sectionBefore = cpuSnapshot();
    const started = performance.now();
    let report: SectionReport;
    try {
      const result = await failOnUncaught(
        section.run({
          quick: options.quick,
          cores: machine.cores,
          progress: (message) => display.update(message),
        }),
      );
      report = sectionReport(section, started, sectionBefore, machine.cores, { result });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report = sectionReport(section, started, sectionBefore, machine.cores, { error: message });
    }
    sections.push(report);
    display.log(
      `${report.error === undefined ? '✓' : '✗'} ${section.title} (${(report.durationMs / 1000).toFixed(1)} s)` +
        (report.error === undefined ? '' : `: ${report.error.split('\n')[0]}`),
    );
  }

  const after = cpuSnapshot();
  const cpu = cpuActivity(before, after, machine.cores);
  const report: BenchReport = {
    schema: 1,
    startedAt,
    quick: options.quick,
    machine,
    loadAverageBefore: before.loadAverage,
    loadAverageAfter: after.loadAverage,
    cpu,
    warnings: busyWarnings(before.loadAverage[0], cpu, machine.cores),
    sections,
  };
  const written = writeReport(report, options.outRoot);
  display.clear();
  options.output.write(`${summary(report, written).join('\n')}\n`);
  return { report, written };
}

/**
 * Settles with the section's outcome, or rejects with the first error nothing caught while it ran (an
 * `error` event of a pool without a listener, a rejected promise no one awaited), which would otherwise
 * end the whole bench without a report.
 */
function failOnUncaught<T>(running: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onUncaught = (error: unknown) => reject(error);
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    running.then(resolve, reject).finally(() => {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
    });
  });
}

function sectionReport(
  section: BenchSection,
  started: number,
  before: ReturnType<typeof cpuSnapshot>,
  cores: number,
  outcome: Pick<SectionReport, 'result' | 'error'>,
): SectionReport {
  const cpu = cpuActivity(before, cpuSnapshot(), cores);
  return {
    id: section.id,
    title: section.title,
    durationMs: performance.now() - started,
    cpu,
    ...outcome,
    // Load average is left out here: it still counts our own previous sections.
    warnings: [
      ...(outcome.result?.warnings ?? []),
      ...busyWarnings(undefined, cpu, cores, `"${section.title}"`),
    ],
  };
}

function summary(report: BenchReport, written: WrittenReport): string[] {
  const lines: string[] = [''];
  for (const section of report.sections) {
    lines.push(`━━ ${section.title} ━━`, '');
    if (section.error !== undefined) lines.push(`FAILED: ${section.error}`, '');
    for (const table of section.result?.tables ?? []) lines.push(...textTable(table), '');
  }
  const warnings = [...report.warnings, ...report.sections.flatMap((section) => section.warnings)];
  for (const warning of warnings) lines.push(`⚠ ${warning}`);
  lines.push(`Report: ${written.directory}/report.md (copied to latest.md and latest.json)`);
  return lines;
}
