import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalError } from '../../src/errors.js';
import { WorkflowJournal } from '../../src/monitoring/journal.js';
import type { TaskResult } from '../../src/types.js';

const scratch = mkdtempSync(join(tmpdir(), 'lingflow-journal-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(scratch, `journal-${files++}.jsonl`);

const result = (taskId: string, status: TaskResult['status'], output?: unknown): TaskResult => ({
  taskId,
  success: status === 'completed',
  status,
  outputFiles: [],
  attempts: 1,
  durationMs: 5,
  ...(output === undefined ? {} : { output }),
});

function write(path: string, records: [string, TaskResult][]): void {
  const journal = WorkflowJournal.open(path, 'workflow-1');
  for (const [fingerprint, each] of records) journal.record(fingerprint, each);
  journal.close();
}

describe('WorkflowJournal', () => {
  it('returns completed results after reopening, with outputs JSON cannot hold', () => {
    const path = freshPath();
    const output = { when: new Date(0), big: 2n ** 70n, ids: new Set(['x']), bytes: new Uint8Array([1, 2]) };
    write(path, [
      ['fp-a', result('a', 'completed', output)],
      ['fp-b', result('b', 'failed')],
      ['fp-c', result('c', 'skipped')],
    ]);
    const journal = WorkflowJournal.open(path, 'workflow-1');
    expect(journal.completedResult('fp-a')).toEqual(result('a', 'completed', output));
    expect(journal.completedResult('fp-b')).toBeUndefined();
    expect(journal.completedResult('fp-c')).toBeUndefined();
    journal.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]!)).toMatchObject({ lingflow: 'journal', version: 1, workflow: 'workflow-1' });
    expect(JSON.parse(lines[2]!)).toMatchObject({ task: 'fp-b', id: 'b', status: 'failed' });
  });

  it('drops a torn last record and cuts it off before appending', () => {
    const path = freshPath();
    write(path, [['fp-a', result('a', 'completed', 1)]]);
    const sound = readFileSync(path, 'utf8');
    for (const torn of [
      '{"task":"fp-b","id":"b","status":"compl',
      '{"task":"fp-b","id":"b","status":"completed"}\n',
    ]) {
      writeFileSync(path, sound + torn);
      const journal = WorkflowJournal.open(path, 'workflow-1');
      expect(journal.completedResult('fp-a')).toMatchObject({ output: 1 });
      expect(journal.completedResult('fp-b')).toBeUndefined();
      journal.record('fp-c', result('c', 'completed', 3));
      journal.close();
      expect(readFileSync(path, 'utf8').startsWith(sound)).toBe(true);
      const reopened = WorkflowJournal.open(path, 'workflow-1');
      expect(reopened.completedResult('fp-c')).toMatchObject({ output: 3 });
      reopened.close();
      writeFileSync(path, sound);
    }
  });

  it('starts over after a torn header', () => {
    const path = freshPath();
    writeFileSync(path, '{"lingflow":"jour');
    const journal = WorkflowJournal.open(path, 'workflow-1');
    journal.record('fp-a', result('a', 'completed', 1));
    journal.close();
    expect(readFileSync(path, 'utf8').split('\n')[0]).toMatch(/^\{"lingflow":"journal","version":1/);
  });

  it('refuses a journal damaged before its last record, listing every damaged line', () => {
    const path = freshPath();
    write(path, [
      ['fp-a', result('a', 'completed', 1)],
      ['fp-b', result('b', 'completed', 2)],
      ['fp-c', result('c', 'completed', 3)],
    ]);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 20);
    lines[2] = lines[2]!.replace(/"result":"[^"]{8}/, '"result":"AAAAAAAA');
    writeFileSync(path, lines.join('\n'));
    const error = (() => {
      try {
        WorkflowJournal.open(path, 'workflow-1');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).problems).toEqual(['line 2: damaged record', 'line 3: damaged record']);
  });

  it('refuses a file that is not a journal, and leaves it untouched', () => {
    const path = freshPath();
    writeFileSync(path, 'name,score\nada,3\n');
    expect(() => WorkflowJournal.open(path, 'workflow-1')).toThrow(/not a lingflow journal/);
    expect(readFileSync(path, 'utf8')).toBe('name,score\nada,3\n');
  });

  it('marks where a changed workflow starts appending, and keeps earlier records usable', () => {
    const path = freshPath();
    write(path, [['fp-a', result('a', 'completed', 1)]]);
    const journal = WorkflowJournal.open(path, 'workflow-2');
    expect(journal.completedResult('fp-a')).toMatchObject({ output: 1 });
    journal.close();
    const headers = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{"lingflow"'))
      .map((line) => JSON.parse(line).workflow);
    expect(headers).toEqual(['workflow-1', 'workflow-2']);
  });
});

describe('WorkflowJournal on paths that are not files', () => {
  it('refuses a device or a directory without reading or writing it', () => {
    for (const path of ['/dev/zero', '/dev/null', scratch]) {
      expect(() => WorkflowJournal.open(path, 'workflow-1')).toThrow(JournalError);
      expect(() => WorkflowJournal.open(path, 'workflow-1')).toThrow(/not a regular file/);
    }
  });
});
