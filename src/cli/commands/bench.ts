import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';

/** `lingflow bench`: the bench harness of `npm run bench`, with its own flags. */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run the performance bench (the same harness as "npm run bench"); see "lingflow bench --help".',
  usage: '[bench options]',
  positionals: [0, Number.POSITIVE_INFINITY],
  options: {},
  passThrough: true,

  run({ positionals }, io) {
    // The harness owns its flags and output; it runs as its own process so that it measures a clean one.
    const main = fileURLToPath(new URL('../../../bench/main.js', import.meta.url));
    const child = spawn(process.execPath, [main, ...positionals], { stdio: 'inherit', env: io.env });
    const onAbort = () => child.kill('SIGINT');
    io.signal.addEventListener('abort', onAbort, { once: true });
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        io.signal.removeEventListener('abort', onAbort);
        resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
      });
    });
  },
};
