import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built executable, as `npm install` links it. */
export const LINGFLOW = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** A file of `test/cli/fixtures/`, relative to the repository root (the tests' working directory). */
export function fixture(name: string): string {
  return `test/cli/fixtures/${name}`;
}

/** How a `lingflow` process ended and what it printed. */
export interface LingflowRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `lingflow` as a subprocess with pipes (so not a terminal). `watch` sees stdout as it grows and may
 * act on the process, e.g. send SIGINT once a task has started.
 */
export function runLingflow(
  args: readonly string[],
  watch?: (stdout: string, child: ChildProcess) => void,
): Promise<LingflowRun> {
  const child = spawn(process.execPath, [LINGFLOW, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    watch?.(stdout, child);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
