import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { JournalError } from '../errors.js';
import type { TaskResult, TaskStatus } from '../types.js';

/** First line of a journal, and again whenever a run of different task definitions appends to it. */
interface JournalHeader {
  lingflow: 'journal';
  version: 1;
  /** {@link WorkflowFingerprints.workflow} of the run that wrote the records after this line. */
  workflow: string;
  startedAt: string;
}

/** One finished task. `result` is the whole `TaskResult` in V8's structured-clone format, base64. */
interface JournalRecord {
  task: string;
  id: string;
  status: TaskStatus;
  result?: string;
}

const HEADER_START = '{"lingflow":"journal"';
const NEWLINE = 0x0a;

/** What reading a journal found. */
interface JournalContents {
  /** Completed results by task fingerprint. */
  completed: Map<string, TaskResult>;
  /** Bytes of whole records; anything after them is a torn record, cut off before appending. */
  soundLength: number;
  lastWorkflow?: string;
}

/**
 * An append-only, fsync'd JSON-lines file of finished tasks, keyed by task fingerprint, so that a workflow
 * run again after a crash can skip what already completed. Every record is synced before the run goes on
 * with the task's result, so a result the caller could have seen is never lost; a crash can at worst tear
 * the last record, which is dropped on the next open.
 */
export class WorkflowJournal {
  readonly path: string;
  readonly #fd: number;
  readonly #completed: Map<string, TaskResult>;

  private constructor(path: string, fd: number, completed: Map<string, TaskResult>) {
    this.path = path;
    this.#fd = fd;
    this.#completed = completed;
  }

  /**
   * Opens a journal, creating it if missing, and marks where the records of this workflow begin.
   *
   * @param workflow - The workflow fingerprint, written in the header for people and tools reading the file.
   * @throws {JournalError} when the file is not a lingflow journal or a record before the last is damaged.
   */
  static open(path: string, workflow: string): WorkflowJournal {
    const existed = existsSync(path);
    // A device or FIFO could be read forever (/dev/zero) or block; a directory cannot be appended to.
    if (existed && !statSync(path).isFile()) {
      throw new JournalError(path, [
        'not a regular file (a journal is a file lingflow creates and appends to)',
      ]);
    }
    const contents: JournalContents = existed ? readJournal(path) : { completed: new Map(), soundLength: 0 };
    const fd = openSync(path, 'a');
    try {
      ftruncateSync(fd, contents.soundLength);
      if (!existed) syncDirectory(dirname(path));
      const journal = new WorkflowJournal(path, fd, contents.completed);
      if (contents.lastWorkflow !== workflow) {
        const header: JournalHeader = {
          lingflow: 'journal',
          version: 1,
          workflow,
          startedAt: new Date().toISOString(),
        };
        journal.#append(JSON.stringify(header));
      }
      return journal;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The completed result recorded for a task with this fingerprint, if any. */
  completedResult(taskFingerprint: string): TaskResult | undefined {
    return this.#completed.get(taskFingerprint);
  }

  /** Appends a finished task's result and syncs it to disk before returning. */
  record(taskFingerprint: string, result: TaskResult): void {
    const record: JournalRecord = { task: taskFingerprint, id: result.taskId, status: result.status };
    try {
      record.result = serialize(result).toString('base64');
    } catch {
      // An output a custom executor produced may not be cloneable; the record then only notes the outcome.
    }
    this.#append(JSON.stringify(record));
    if (result.status === 'completed' && record.result !== undefined)
      this.#completed.set(taskFingerprint, result);
  }

  close(): void {
    closeSync(this.#fd);
  }

  #append(line: string): void {
    const bytes = Buffer.from(`${line}\n`);
    for (let written = 0; written < bytes.length; )
      written += writeSync(this.#fd, bytes, written, bytes.length - written);
    fdatasyncSync(this.#fd);
  }
}

function readJournal(path: string): JournalContents {
  const bytes = readFileSync(path);
  const completed = new Map<string, TaskResult>();
  const problems: string[] = [];
  let soundLength = 0;
  let lastWorkflow: string | undefined;
  for (let start = 0, line = 1; start < bytes.length; line++) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline === -1 ? bytes.length : newline;
    const text = bytes.toString('utf8', start, end);
    const entry = parseLine(text, line === 1);
    if (entry === undefined) {
      // The first line decides whether this is a journal at all: never cut a stranger's file.
      if (line === 1 && !(HEADER_START.startsWith(text) || text.startsWith(HEADER_START))) {
        throw new JournalError(path, ['line 1: not a lingflow journal (no journal header)']);
      }
      // Only the last line can be torn by a crash; it is dropped. Damage anywhere else is reported.
      if (newline !== -1 && newline !== bytes.length - 1) problems.push(`line ${line}: damaged record`);
    } else {
      if ('workflow' in entry) lastWorkflow = entry.workflow;
      else if (entry.result?.status === 'completed') completed.set(entry.task, entry.result);
      if (newline !== -1) soundLength = newline + 1;
    }
    start = end + 1;
  }
  if (problems.length > 0) throw new JournalError(path, problems);
  return { completed, soundLength, ...(lastWorkflow === undefined ? {} : { lastWorkflow }) };
}

/** A header, or a record with its result decoded; `undefined` when the line is neither (torn or damaged). */
function parseLine(
  text: string,
  first: boolean,
): { workflow: string } | { task: string; result?: TaskResult } | undefined {
  try {
    const fields: unknown = JSON.parse(text);
    if (typeof fields !== 'object' || fields === null) return undefined;
    const { lingflow, version, workflow, task, status, result } = fields as Record<string, unknown>;
    if (lingflow === 'journal')
      return version === 1 && typeof workflow === 'string' ? { workflow } : undefined;
    if (first || typeof task !== 'string' || typeof status !== 'string') return undefined;
    if (result === undefined) return { task };
    // Decoding here rejects a record whose payload is damaged, not just its JSON.
    const decoded: unknown =
      typeof result === 'string' ? deserialize(Buffer.from(result, 'base64')) : undefined;
    const valid =
      typeof decoded === 'object' && decoded !== null && (decoded as TaskResult).status === status;
    return valid ? { task, result: decoded as TaskResult } : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a newly created file's directory entry durable, so the journal itself survives a power loss. */
function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
