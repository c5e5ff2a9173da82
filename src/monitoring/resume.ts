import type { Task, TaskResult } from '../types.js';
import type { WorkflowFingerprints } from './fingerprint.js';
import { fingerprintTasks } from './fingerprint.js';
import { WorkflowJournal } from './journal.js';

/**
 * A workflow split by its journal into tasks whose completed results are recorded there and tasks still
 * to run, with the journal open to record the rest as they finish.
 *
 * A task is resumed only when a result was recorded for its current fingerprint, so a task whose definition
 * changed runs again, and so does everything downstream of it (their fingerprints cover their
 * dependencies'). Failed, timed-out, skipped and cancelled tasks always run again.
 */
export class JournalResume {
  readonly fingerprints: WorkflowFingerprints;
  /** The tasks still to run, in input order, with dependencies on resumed (completed) tasks removed. */
  readonly tasksToRun: Task[];
  readonly #journal: WorkflowJournal;
  readonly #resumed: (TaskResult | undefined)[];
  /** Input index of each task to run. */
  readonly #toRun: number[] = [];
  #writeFailed = false;

  /**
   * Opens (or creates) the journal at `path` for these validated tasks.
   *
   * @param agentTypes - The agent each task runs on, as the coordinator resolved it.
   * @throws {JournalError} when the file is not a usable journal.
   */
  constructor(path: string, tasks: readonly Task[], agentTypes: readonly string[]) {
    this.fingerprints = fingerprintTasks(tasks, agentTypes);
    this.#journal = WorkflowJournal.open(path, this.fingerprints.workflow);
    this.#resumed = this.fingerprints.tasks.map((fingerprint) => {
      const recorded = this.#journal.completedResult(fingerprint);
      return recorded && { ...recorded, resumed: true };
    });
    const done = new Set<string>();
    tasks.forEach((task, index) => {
      if (this.#resumed[index]) done.add(task.id);
      else this.#toRun.push(index);
    });
    this.tasksToRun = this.#toRun.map((index) => {
      const task = tasks[index]!;
      return task.dependencies
        ? { ...task, dependencies: task.dependencies.filter((id) => !done.has(id)) }
        : task;
    });
  }

  /** How many tasks were resumed from the journal. */
  get resumedCount(): number {
    return this.#resumed.length - this.#toRun.length;
  }

  /**
   * Records the final result of task `runIndex` of {@link tasksToRun}, durably.
   *
   * @returns The error, the first time a write fails (disk full, file too large): the caller should stop
   *   the run, since results from then on could not be resumed. Later results are not written.
   */
  record(runIndex: number, result: TaskResult): unknown {
    if (this.#writeFailed) return undefined;
    try {
      this.#journal.record(this.fingerprints.tasks[this.#toRun[runIndex]!]!, result);
      return undefined;
    } catch (error) {
      this.#writeFailed = true;
      return error;
    }
  }

  /** All results in input order: the recorded ones, and those of this run in place of the rest. */
  merge(runResults: readonly TaskResult[]): TaskResult[] {
    const results = [...this.#resumed] as TaskResult[];
    this.#toRun.forEach((index, runIndex) => {
      results[index] = runResults[runIndex]!;
    });
    return results;
  }

  close(): void {
    this.#journal.close();
  }
}
