import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/harness/args.js';
import type { SectionFigures } from '../../bench/harness/figures.js';
import { ganttChart } from '../../bench/harness/gantt-chart.js';
import { loadSections, SECTION_FILES } from '../../bench/harness/load-sections.js';
import { ProgressDisplay } from '../../bench/harness/progress.js';
import type { BenchReport } from '../../bench/harness/report.js';
import { markdownTable, textTable } from '../../bench/harness/report.js';
import { runBench } from '../../bench/harness/run-bench.js';
import type { BenchContext, BenchSection } from '../../bench/harness/section.js';
import { speedupChart } from '../../bench/harness/speedup-chart.js';
import { xmlProblems } from './well-formed.js';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'lingflow-bench-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const figures: SectionFigures = {
  speedup: {
    title: 'CPU <tasks> & speedup',
    cores: 2,
    series: [
      {
        name: 'lingflow',
        points: [
          { workers: 1, speedup: 0.98 },
          { workers: 2, speedup: 1.93 },
          { workers: 4, speedup: 1.9 },
        ],
      },
      {
        name: 'Piscina',
        points: [
          { workers: 1, speedup: 0.99 },
          { workers: 2, speedup: 1.95 },
          { workers: 4, speedup: 1.92 },
        ],
      },
    ],
  },
  gantt: {
    title: 'two tasks',
    lowerBoundMs: 90,
    spans: [
      { taskId: 'first', agentType: 'burn', workerId: 3, startMs: 0, endMs: 50, status: 'completed' },
      {
        taskId: 'second',
        agentType: 'burn',
        workerId: 4,
        startMs: 51,
        endMs: 100,
        status: 'failed',
        dependencies: ['first'],
      },
    ],
  },
};

const contexts: BenchContext[] = [];
const synthetic: BenchSection = {
  id: 'synthetic',
  title: 'Synthetic section',
  async run(context) {
    contexts.push(context);
    context.progress('working');
    return {
      tables: [
        {
          title: 'Speedups',
          columns: ['workers', 'median', 'speedup'],
          rows: [
            [1, '812 (805–830)', '0.98×'],
            [2, '421 (418–430)', '1.93×'],
          ],
          notes: ['a | note'],
        },
      ],
      raw: { samples: [812, 805, 830], figures },
      warnings: ['synthetic doubt'],
    };
  },
};
const broken: BenchSection = {
  id: 'broken',
  title: 'Broken section',
  run: async () => {
    throw new Error('section exploded');
  },
};

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('runBench and the report files', () => {
  it('runs every section, keeps going after a failure and writes the report, figures and latest copies', async () => {
    const output = sink();
    const progress = sink();
    const { report, written } = await runBench({
      sections: [synthetic, broken],
      quick: true,
      outRoot: out,
      output,
      progress,
    });

    expect(contexts.at(-1)).toMatchObject({ quick: true });
    expect(contexts.at(-1)!.cores).toBeGreaterThanOrEqual(1);
    expect(written.directory.startsWith(out)).toBe(true);
    for (const name of ['report.md', 'report.json', 'speedup.svg', 'gantt.svg', 'trace.json'])
      expect(existsSync(join(written.directory, name)), name).toBe(true);
    for (const name of ['latest.md', 'latest.json', 'latest.speedup.svg', 'latest.gantt.svg'])
      expect(existsSync(join(out, name)), name).toBe(true);

    const json = JSON.parse(readFileSync(join(written.directory, 'report.json'), 'utf8')) as BenchReport;
    expect(json).toEqual(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')));
    expect(json).toMatchObject({ schema: 1, quick: true, startedAt: report.startedAt });
    expect(json.machine).toMatchObject({
      cores: expect.any(Number),
      cpuModel: expect.any(String),
      node: process.version,
    });
    expect(json.loadAverageBefore).toHaveLength(3);
    expect(json.loadAverageAfter).toHaveLength(3);
    expect(json.cpu).toMatchObject({
      wallMs: expect.any(Number),
      ownMs: expect.any(Number),
      foreignShare: expect.any(Number),
    });
    expect(json.sections.map((section) => section.id)).toEqual(['synthetic', 'broken']);
    expect(json.sections[0]!.result!.raw.samples).toEqual([812, 805, 830]);
    expect(json.sections[0]!.warnings).toContain('synthetic doubt');
    expect(json.sections[1]!.error).toContain('section exploded');
    expect(json.sections[1]!.result).toBeUndefined();

    const markdown = readFileSync(join(written.directory, 'report.md'), 'utf8');
    expect(markdown).toContain('# lingflow benchmark report (quick run)');
    expect(markdown).toContain(
      '| workers | median | speedup |\n| --- | ---: | ---: |\n| 1 | 812 (805–830) | 0.98× |',
    );
    expect(markdown).toContain('- a | note');
    expect(markdown).toContain('- ⚠️ synthetic doubt');
    expect(markdown).toContain('**The section failed:** Error: section exploded');
    expect(markdown).toContain('](speedup.svg)');
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('](latest.speedup.svg)');

    for (const name of ['speedup.svg', 'gantt.svg']) {
      const svg = readFileSync(join(written.directory, name), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), name).toBe(true);
      expect(xmlProblems(svg), name).toEqual([]);
    }
    const trace = JSON.parse(readFileSync(join(written.directory, 'trace.json'), 'utf8'));
    expect(trace.traceEvents.filter((event: { ph: string }) => event.ph === 'X')).toHaveLength(2);

    const summary = output.text();
    expect(summary).toMatch(/\nworkers +median +speedup\n─+ +─+ +─+\n1 +812 \(805–830\) +0\.98×\n/);
    expect(summary).toContain('FAILED: Error: section exploded');
    expect(progress.text()).toContain('[1/2 synthetic] working');
  });
});

describe('tables', () => {
  it('aligns names left and figures right, in Markdown and on the terminal', () => {
    const table = {
      title: 'Mixed',
      columns: ['workflow', 'scheduling', 'makespan'],
      rows: [
        ['guide', 'as given', '368 (364–371)'],
        ['layered DAG', 'known durations', '509 (509–528)'],
      ],
    };
    expect(markdownTable(table)[3]).toBe('| --- | --- | ---: |');
    expect(textTable(table)[3]).toBe('guide        as given         368 (364–371)');
  });
});

describe('figures', () => {
  it('draws the speedup chart with a line per contender, the ideal and escaped text', () => {
    const svg = speedupChart(figures.speedup!);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('CPU &lt;tasks&gt; &amp; speedup');
    // Two contenders × two panels, plus the ideal in each panel.
    expect(svg.match(/<polyline/g)).toHaveLength(6);
    expect(svg).toContain('ideal (2 cores)');
  });

  it('draws a row per worker, a bar per attempt and a line per dependency', () => {
    const svg = ganttChart(figures.gantt!);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('>worker 3<');
    expect(svg).toContain('>worker 4<');
    expect(svg.match(/<rect[^>]*rx="3"/g)).toHaveLength(2);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(1);
    expect(svg).toContain('lower bound');
  });

  it('notices a broken document', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg>a & b</svg>')).not.toEqual([]);
  });
});

describe('harness plumbing', () => {
  it('parses the flags', () => {
    expect(parseBenchArgs([], '/r')).toEqual({ quick: false, out: '/r', help: false });
    expect(parseBenchArgs(['--quick', '--sections', 'cpu-speedup, workflows', '--out', 'x'], '/r')).toEqual({
      quick: true,
      sections: ['cpu-speedup', 'workflows'],
      out: 'x',
      help: false,
    });
    expect(() => parseBenchArgs(['--fast'], '/r')).toThrow();
  });

  it('rewrites one live line on a terminal and prints plain lines elsewhere', () => {
    const tty = { ...sink(), isTTY: true, columns: 30 };
    const live = new ProgressDisplay(tty);
    live.setPrefix('[1/1 x]');
    live.update('a message long enough to be cut at the terminal width');
    live.log('done');
    expect(tty.chunks[0]!.startsWith('\r\x1b[2K')).toBe(true);
    expect(tty.chunks[0]!.length).toBeLessThanOrEqual('\r\x1b[2K'.length + 29);
    expect(tty.chunks.at(-1)).toBe('done\n');

    const plain = sink();
    const lines = new ProgressDisplay(plain);
    lines.update('one');
    lines.update('two');
    expect(plain.text()).toMatch(/^0:00 {2}one\n0:00 {2}two\n$/);
  });

  it('loads the sections that exist, in the order given, skipping those not written yet', async () => {
    const sections = await loadSections(['tiny-tasks', 'not-written-yet', 'cpu-speedup', 'workflows']);
    expect(sections.map((section) => section.id)).toEqual(['tiny-tasks', 'cpu-speedup', 'workflows']);
    expect(SECTION_FILES.slice(0, 4)).toEqual(['cpu-speedup', 'workflows', 'tiny-tasks', 'dispatch']);
  });
});
