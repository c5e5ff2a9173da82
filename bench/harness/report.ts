import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toChromeTrace } from '../../src/monitoring/chrome-trace.js';
import type { GanttFigure, SpeedupFigure } from './figures.js';
import { figuresOf } from './figures.js';
import { ganttChart } from './gantt-chart.js';
import type { CpuActivity, MachineInfo } from './machine.js';
import type { BenchTable, SectionResult } from './section.js';
import { speedupChart } from './speedup-chart.js';

/** One section as it ran. */
export interface SectionReport {
  id: string;
  title: string;
  durationMs: number;
  /** Where the CPU time went while this section ran. */
  cpu: CpuActivity;
  /** Absent when the section threw. */
  result?: SectionResult;
  /** The section's error message, when it threw. */
  error?: string;
  /** The section's own warnings and the harness's (machine busy during it). */
  warnings: string[];
}

/** Everything one `npm run bench` measured: the content of report.json. */
export interface BenchReport {
  schema: 1;
  /** ISO date-time the run started. */
  startedAt: string;
  quick: boolean;
  machine: MachineInfo;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  /** Where the CPU time went during the whole run. */
  cpu: CpuActivity;
  /** Warnings about the run as a whole (machine busy). */
  warnings: string[];
  sections: SectionReport[];
}

/** Files a report was written to. */
export interface WrittenReport {
  directory: string;
  files: string[];
}

/**
 * Writes a report into `<root>/<date-time>/`: report.md, report.json, and, when a section supplied their
 * data, speedup.svg, gantt.svg and trace.json. Copies the Markdown, the JSON and the figures to
 * `<root>/latest.*`, which are kept in git.
 */
export function writeReport(report: BenchReport, root: string): WrittenReport {
  const directory = join(root, report.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, ''));
  mkdirSync(directory, { recursive: true });
  const { speedup, gantt } = findFigures(report);
  const files: Record<string, string> = {
    'report.md': renderMarkdown(report, ''),
    'report.json': `${JSON.stringify(report, null, 2)}\n`,
  };
  if (speedup) files['speedup.svg'] = speedupChart(speedup);
  if (gantt) {
    files['gantt.svg'] = ganttChart(gantt);
    files['trace.json'] = `${JSON.stringify(
      toChromeTrace(gantt.spans, {
        processName: gantt.title,
        metadata: { cpu: report.machine.cpuModel, node: report.machine.node, startedAt: report.startedAt },
      }),
    )}\n`;
  }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), content);
  writeFileSync(join(root, 'latest.md'), renderMarkdown(report, 'latest.'));
  copyFileSync(join(directory, 'report.json'), join(root, 'latest.json'));
  for (const name of ['speedup.svg', 'gantt.svg']) {
    if (files[name]) copyFileSync(join(directory, name), join(root, `latest.${name}`));
  }
  return { directory, files: Object.keys(files).map((name) => join(directory, name)) };
}

/** The first speedup and Gantt figures any section supplied. */
export function findFigures(report: BenchReport): { speedup?: SpeedupFigure; gantt?: GanttFigure } {
  const found: { speedup?: SpeedupFigure; gantt?: GanttFigure } = {};
  for (const section of report.sections) {
    const figures = figuresOf(section.result?.raw);
    found.speedup ??= figures.speedup;
    found.gantt ??= figures.gantt;
  }
  return found;
}

/**
 * The report as Markdown: machine, warnings, then each section's tables and notes. Figures are linked
 * with `figurePrefix` before their names (`latest.` for the copy kept beside the dated folders).
 */
export function renderMarkdown(report: BenchReport, figurePrefix: string): string {
  const { machine } = report;
  const { speedup, gantt } = findFigures(report);
  const lines = [
    `# lingflow benchmark report${report.quick ? ' (quick run)' : ''}`,
    '',
    `Run started ${report.startedAt} on ${machine.cpuModel}: ${machine.cores} cores usable ` +
      `(${machine.logicalCpus} logical CPUs), ${machine.totalMemoryGiB} GiB, Node ${machine.node}, ` +
      `${machine.platform}/${machine.arch}.`,
    '',
    `Load average (1, 5, 15 min) before: ${formatLoad(report.loadAverageBefore)}; after: ` +
      `${formatLoad(report.loadAverageAfter)}. Other processes used ` +
      `${(report.cpu.foreignShare * 100).toFixed(1)}% of the CPU during the run.`,
    '',
  ];
  const warnings = [...report.warnings, ...report.sections.flatMap((section) => section.warnings)];
  if (warnings.length > 0) {
    lines.push('## Warnings', '', ...warnings.map((warning) => `- ⚠️ ${warning}`), '');
  }
  if (speedup || gantt) {
    lines.push('## Figures', '');
    if (speedup) lines.push(`![${speedup.title}](${figurePrefix}speedup.svg)`, '');
    if (gantt) {
      lines.push(`![${gantt.title}](${figurePrefix}gantt.svg)`, '');
      if (figurePrefix === '')
        lines.push('The same run as a Chrome trace: `trace.json` (open it in Perfetto).', '');
    }
  }
  for (const section of report.sections) {
    lines.push(
      `## ${section.title}`,
      '',
      `Section \`${section.id}\`, ${(section.durationMs / 1000).toFixed(1)} s.`,
      '',
    );
    // The first line says what went wrong; report.json keeps the whole stack.
    if (section.error !== undefined)
      lines.push(`**The section failed:** ${section.error.split('\n')[0]}`, '');
    for (const table of section.result?.tables ?? []) lines.push(...markdownTable(table), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A table as Markdown: a bold title, the pipe table, then its notes as a list. */
export function markdownTable(table: BenchTable): string[] {
  const cell = (value: string | number) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `**${table.title}**`,
    '',
    `| ${table.columns.map(cell).join(' | ')} |`,
    `| ${table.columns.map((_, column) => (isTextColumn(table, column) ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  if (table.notes && table.notes.length > 0) lines.push('', ...table.notes.map((note) => `- ${note}`));
  return lines;
}

/** A table as aligned plain text for the terminal: the title, the header, a rule, the rows, the notes. */
export function textTable(table: BenchTable): string[] {
  const cells = [table.columns, ...table.rows].map((row) => row.map(String));
  const widths = table.columns.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  const render = (row: string[]) =>
    row
      .map((value, column) =>
        isTextColumn(table, column) ? value.padEnd(widths[column]!) : value.padStart(widths[column]!),
      )
      .join('  ');
  return [
    table.title,
    render(cells[0]!),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...cells.slice(1).map(render),
    ...(table.notes ?? []).map((note) => `  • ${note}`),
  ];
}

/** Names (the first column, and any column with words) align left; figures align right. */
function isTextColumn(table: BenchTable, column: number): boolean {
  return column === 0 || table.rows.some((row) => /^[A-Za-z]/.test(String(row[column] ?? '')));
}

function formatLoad(load: number[]): string {
  return load.map((value) => value.toFixed(2)).join(', ');
}
