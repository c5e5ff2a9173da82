import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countTokens } from 'lingflow';
import { describe, expect, it } from 'vitest';
import { runLingflow } from './lingflow-process.js';

const SOURCE = 'src/graph/task-graph.ts';

describe('lingflow count, compress and plan', () => {
  it('counts tokens exactly, as a table or JSON, and names files it cannot read', async () => {
    const text = await readFile(SOURCE, 'utf8');
    const [table, json, missing] = await Promise.all([
      runLingflow(['count', SOURCE, 'package.json']),
      runLingflow(['count', SOURCE, '--json', '--encoding', 'cl100k_base']),
      runLingflow(['count', SOURCE, 'no/such/file.txt']),
    ]);
    expect(table.code).toBe(0);
    const expected = countTokens(text);
    expect(table.stdout).toMatch(
      new RegExp(`^ *${expected.toLocaleString('en-US')} +[\\d,]+ +${SOURCE}$`, 'm'),
    );
    expect(table.stdout).toMatch(/ total$/m);
    expect(JSON.parse(json.stdout)).toEqual([
      { file: SOURCE, tokens: countTokens(text, { encoding: 'cl100k_base' }), characters: text.length },
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read no/such/file.txt: no such file');
  });

  it('compresses a file to the ratio asked, printing the text and what was done', async () => {
    const [run, bad] = await Promise.all([
      runLingflow(['compress', SOURCE, '--ratio', '0.3', '--query', 'find dependency cycles']),
      runLingflow(['compress', SOURCE, '--ratio', '3']),
    ]);
    expect(run.code).toBe(0);
    const report = /: ([\d,]+) → ([\d,]+) tokens \((\d+)%\)/.exec(run.stderr);
    expect(report, run.stderr).not.toBeNull();
    const [original, kept] = [report![1]!, report![2]!].map((count) => Number(count.replace(/,/g, ''))) as [
      number,
      number,
    ];
    expect(original).toBe(countTokens(await readFile(SOURCE, 'utf8')));
    expect(kept).toBeLessThanOrEqual(Math.ceil(original * 0.3));
    expect(countTokens(run.stdout.replace(/\n$/, ''))).toBe(kept);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ratio got "3"');
  });

  it('plans the guide’s mixed workflow: makespan, speedup and efficiency per worker count', async () => {
    const run = await runLingflow(['plan', 'examples/mixed-workflow.yaml', '--workers', '1,2,3,4']);
    expect(run.code).toBe(0);
    // Every task counts one second: 9 s in sequence, and the longest chain setup-1 → impl-1 → impl-2 → test-2 is 4 s.
    expect(run.stdout).toMatch(/^ +1 +9\.00s +1\.00× +100%/m);
    expect(run.stdout).toMatch(/^ +3 +4\.00s +2\.25× +75% +← recommended/m);
    expect(run.stdout).toContain('Sequential 9.00s · critical path 4.00s');
    expect(run.stdout).toContain('Recommended: 3 workers');
  });

  it('plans with durations from a map or from the trace of an earlier run', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lingflow-plan-'));
    const map = join(folder, 'durations.json');
    const trace = join(folder, 'run.trace.json');
    // setup-3 is slow, but nothing waits for it: with two workers it runs beside the chain.
    await writeFile(map, JSON.stringify({ 'setup-3': 6000 }));
    const slice = (name: string, dur: number) => ({
      name,
      ph: 'X',
      pid: 1,
      tid: 1,
      ts: 0,
      dur,
      args: { status: 'completed' },
    });
    await writeFile(
      trace,
      JSON.stringify({ traceEvents: [slice('setup-3', 6_000_000), slice('impl-1', 500_000)] }),
    );
    try {
      const [fromMap, fromTrace] = await Promise.all([
        runLingflow(['plan', 'examples/mixed-workflow.yaml', '--workers', '1,2', '--durations', map]),
        runLingflow(['plan', 'examples/mixed-workflow.yaml', '--workers', '2', '--durations', trace]),
      ]);
      expect(fromMap.code).toBe(0);
      expect(fromMap.stdout).toContain('Sequential 14.0s · critical path 6.00s');
      expect(fromMap.stdout).toMatch(/^ +2 +7\.00s +2\.00× +100%/m);
      expect(fromTrace.code).toBe(0);
      expect(fromTrace.stdout).toContain('Sequential 13.5s · critical path 6.00s');
    } finally {
      await rm(folder, { recursive: true });
    }
  });
});
