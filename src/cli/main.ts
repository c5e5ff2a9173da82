#!/usr/bin/env node
import { runCli } from './run-cli.js';

/**
 * The `lingflow` executable. The first Ctrl-C (or SIGTERM) aborts the run's signal, so running tasks are
 * cancelled and a summary of what finished is printed; a second Ctrl-C exits at once.
 */
const interrupt = new AbortController();
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals++;
  if (signals > 1) process.exit(130);
  interrupt.abort(signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `received ${signal}`);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// The live display hides the cursor while it draws; however the process ends, the terminal gets it back.
process.on('exit', () => {
  if (process.stdout.isTTY) process.stdout.write('\x1b[?25h');
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
});
