import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChromeTrace } from 'lingflow';
import { describe, expect, it } from 'vitest';
import { fixture, runLingflow } from './lingflow-process.js';

describe('lingflow run, output not a terminal', () => {
  it('prints one plain line per event and a summary, exits 0 when every task completed, and writes a trace', async () => {
    const traceFile = join(tmpdir(), `lingflow-trace-${process.pid}.json`);
    try {
      const run = await runLingflow(['run', fixture('three-tasks.yaml'), '--trace', traceFile]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('lingflow · three tasks · 2 workers · 3 tasks');
      // No terminal: no escape codes, no redraws.
      expect(run.stdout).not.toContain('\x1b[');
      for (const id of ['left', 'right', 'join']) {
        expect(
          lines.some((line) => /^\[ *\d+\.\d+s\] start {5}/.test(line) && line.includes(`${id} (cpu)`)),
        ).toBe(true);
        expect(lines.some((line) => line.includes(`] completed ${id} in `))).toBe(true);
      }
      expect(run.stdout).toContain('log       left: starting left');
      const joinStart = lines.findIndex((line) => line.includes('start     join'));
      expect(lines.findIndex((line) => line.includes('completed left'))).toBeLessThan(joinStart);
      expect(lines.findIndex((line) => line.includes('completed right'))).toBeLessThan(joinStart);
      expect(run.stdout).toMatch(/✔ +join +cpu +completed +1 +\d+\.\d+s/);
      expect(run.stdout).toMatch(/All 3 tasks completed in .* on 2 workers/);
      expect(run.stdout).toContain(`Trace written to ${traceFile}`);

      const trace = JSON.parse(await readFile(traceFile, 'utf8')) as ChromeTrace;
      const slices = trace.traceEvents.filter((event) => event.ph === 'X');
      expect(slices.map((slice) => slice.name).sort()).toEqual(['join', 'left', 'right']);
      // One track per worker: the two first tasks ran at once, so on two tracks.
      const trackOf = (name: string) => slices.find((slice) => slice.name === name)!.tid;
      expect(trackOf('left')).not.toBe(trackOf('right'));
      // join waited for both: two flow arrows end on its track.
      const flowEnds = trace.traceEvents.filter((event) => event.ph === 'f');
      expect(flowEnds).toHaveLength(2);
      expect(flowEnds.every((event) => event.tid === trackOf('join'))).toBe(true);
    } finally {
      await rm(traceFile, { force: true });
    }
  });

  it('exits 1 when a task fails, naming it and its skipped dependent; --fail-fast cancels the rest', async () => {
    const [run, failFast] = await Promise.all([
      runLingflow(['run', fixture('one-fails.json')]),
      runLingflow(['run', fixture('one-fails.json'), '--fail-fast', '--parallel', '1']),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('failed    broken in');
    expect(run.stdout).toContain('agent "cpu" failed on task "broken": disk on fire');
    expect(run.stdout).toContain('↷ after-broken: skipped: dependency "broken" failed');
    expect(run.stdout).toMatch(/✔ +independent +cpu +completed/);
    expect(run.stdout).toContain('1 of 3 tasks completed');

    expect(failFast.code).toBe(1);
    expect(failFast.stdout).toContain('lingflow · one fails · 1 worker · 3 tasks');
    // One worker and 'broken' first in input order: with fail-fast nothing after it completes.
    expect(failFast.stdout).not.toMatch(/✔ +independent/);
    expect(failFast.stdout).toContain('0 of 3 tasks completed');
  });

  it('cancels cleanly on SIGINT: reports what finished, cancels the rest, exits 130', async () => {
    let interrupted = false;
    const run = await runLingflow(['run', fixture('spins.yaml')], (stdout, child) => {
      if (!interrupted && stdout.includes('start     spinner')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(interrupted).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('interrupted: cancelling running and queued tasks');
    expect(run.stdout).toMatch(/✔ +quick +cpu +completed/);
    expect(run.stdout).toMatch(/■ +spinner +spin +cancelled/);
    expect(run.stdout).toMatch(/after-spinner +cpu +(cancelled|skipped)/);
    expect(run.stdout).toContain('1 of 3 tasks completed');
    expect(run.stdout).toContain('(interrupted)');
  });

  it('with --journal, a second run restores the tasks that completed and runs only the rest', async () => {
    const journal = join(tmpdir(), `lingflow-journal-${process.pid}.jsonl`);
    try {
      const first = await runLingflow(['run', fixture('one-fails.json'), '--journal', journal]);
      expect(first.code).toBe(1);
      expect(first.stdout).toContain('completed independent in');
      const second = await runLingflow([
        'run',
        fixture('one-fails.json'),
        '--journal',
        journal,
        '--parallel',
        'auto',
      ]);
      expect(second.code).toBe(1);
      expect(second.stdout).toContain('lingflow · one fails · auto (up to');
      expect(second.stdout).toContain('start     broken');
      expect(second.stdout).not.toContain('start     independent');
      expect(second.stdout).toMatch(/✔ +independent +cpu +completed +1 +\S+ +journal/);
    } finally {
      await rm(journal, { force: true });
    }
  });

  it('runs agents in child processes with --isolation process', async () => {
    const run = await runLingflow(['run', fixture('three-tasks.yaml'), '--isolation', 'process']);
    expect(run.code).toBe(0);
    // The worker column shows process ids, none of them this test's or the CLI's parent.
    const workers = [...run.stdout.matchAll(/✔ +\S+ +cpu +completed +1 +\S+ +(\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(workers).toHaveLength(3);
    expect(workers.every((pid) => pid > 1 && pid !== process.pid)).toBe(true);
  });
});
