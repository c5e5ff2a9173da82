import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TaskResult } from 'lingflow';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../fixtures/journal-workflow.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lingflow-journal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ALL_TASKS = ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4'];

interface ChildRun {
  finished: string[];
  results?: TaskResult[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/**
 * Runs the workflow script in a child process; with `killAfter`, SIGKILLs it once that many tasks finished;
 * with `maxFileKb`, no file it writes may grow beyond that (the shell's `ulimit -f`), as on a full disk.
 */
function runChild(journal: string, trace: string, killAfter?: number, maxFileKb?: number): Promise<ChildRun> {
  const command = [process.execPath, script, journal];
  const child = spawn(
    maxFileKb === undefined ? command[0]! : 'bash',
    maxFileKb === undefined
      ? command.slice(1)
      : ['-c', `ulimit -f ${maxFileKb} && exec "$@"`, 'bash', ...command],
    { env: { ...process.env, LINGFLOW_TRACE: trace }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run: ChildRun = { finished: [], signal: null, code: null, stderr: '' };
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('finished ')) run.finished.push(line.slice('finished '.length));
    if (line.startsWith('results ')) run.results = JSON.parse(line.slice('results '.length));
    if (killAfter !== undefined && run.finished.length === killAfter) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    run.stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ ...run, code, signal }));
  });
}

const traced = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

describe('resume after a crash', () => {
  it('skips the tasks a SIGKILLed run completed, tolerating a torn last record, and runs only the rest', async () => {
    const journal = join(scratch, 'workflow.journal');
    const firstTrace = join(scratch, 'first.trace');
    const secondTrace = join(scratch, 'second.trace');

    const first = await runChild(journal, firstTrace, 3);
    expect(first.signal).toBe('SIGKILL');
    expect(first.results).toBeUndefined();
    expect(first.finished.length).toBeGreaterThanOrEqual(3);
    expect(first.finished.length).toBeLessThan(ALL_TASKS.length);
    // What a crash in the middle of a write leaves behind: a record without its end.
    appendFileSync(journal, '{"task":"0f3a","id":"a9","status":"comp');

    const second = await runChild(journal, secondTrace);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const results = second.results!;
    expect(results.map((result) => [result.taskId, result.status])).toEqual(
      ALL_TASKS.map((id) => [id, 'completed']),
    );
    const resumed = results.filter((result) => result.resumed).map((result) => result.taskId);
    const ranAgain = traced(secondTrace);
    // Every task the first run reported finished was recorded before it was reported.
    for (const id of first.finished) expect(resumed).toContain(id);
    // Resumed tasks did not run again; every other task ran exactly once.
    expect(ranAgain.filter((id) => resumed.includes(id))).toEqual([]);
    expect([...ranAgain].sort()).toEqual(ALL_TASKS.filter((id) => !resumed.includes(id)));
    for (const result of results.filter((each) => each.resumed)) {
      expect(result.output).toMatchObject({ taskId: result.taskId });
      expect(traced(firstTrace)).toContain(result.taskId);
    }

    // A third run finds everything recorded and runs nothing.
    const thirdTrace = join(scratch, 'third.trace');
    const third = await runChild(journal, thirdTrace);
    expect(third.results!.every((result) => result.resumed && result.status === 'completed')).toBe(true);
    expect(traced(thirdTrace)).toEqual([]);
  });

  it('stops the run with a readable reason when the journal cannot be written, and resumes from it later', async () => {
    const journal = join(scratch, 'full-disk.journal');
    const first = await runChild(journal, join(scratch, 'full-disk-1.trace'), undefined, 2);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const completed = first.results!.filter((result) => result.status === 'completed');
    const stopped = first.results!.filter((result) => result.status !== 'completed');
    expect(completed.length).toBeGreaterThan(0);
    expect(stopped.length).toBeGreaterThan(0);
    for (const result of stopped) {
      expect(result.status).toBe('cancelled');
      expect(result.error).toMatch(/the journal could not be written \(.*(EFBIG|too large)/);
    }

    const second = await runChild(journal, join(scratch, 'full-disk-2.trace'));
    expect(second.results!.every((result) => result.status === 'completed')).toBe(true);
    const resumed = second.results!.filter((result) => result.resumed).map((result) => result.taskId);
    // Every result written before the disk filled up is resumed; the one whose write failed is not.
    expect(resumed.length).toBe(completed.length - 1);
    for (const id of resumed) expect(completed.map((result) => result.taskId)).toContain(id);
  });
});
