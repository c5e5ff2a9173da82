import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, LINGFLOW } from './lingflow-process.js';

// A tmux server of this test's own: a real pseudo-terminal, driven by keys and read back as the screen.
const server = ['-L', `lingflow-test-${process.pid}`];
const session = 'live';
const tmux = (...args: string[]) => execFileSync('tmux', [...server, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);

/** Reads the screen until `ready` holds; fails with the last screen after `limitMs` of real time. */
async function waitForScreen(ready: (text: string) => boolean, limitMs = 30_000): Promise<string> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const text = screen();
    if (ready(text)) return text;
    if (Date.now() > deadline) throw new Error(`the screen never got there:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
});

describe('lingflow run in a terminal', () => {
  it.each(['thread', 'process'])(
    'shows running tasks live, then cancels cleanly on Ctrl-C (%s isolation)',
    async (isolation) => {
      // The shell prints the exit code on the screen: tmux does not always collect a pane's exit status.
      const command = `${process.execPath} ${LINGFLOW} run ${fixture('spins.yaml')} --isolation ${isolation}; echo "[exit $?]"`;
      tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', process.cwd(), command);
      tmux('set-option', '-t', session, 'remain-on-exit', 'on');

      const running = /spinner +spin +(\d+\.\d+)s/;
      const live = await waitForScreen((text) => running.test(text) && text.includes('✔ quick'));
      expect(live).toContain('lingflow · spins until interrupted · 2 workers');
      expect(live).toMatch(/[█░]{24} 1\/3 tasks · 1 running · 1 completed · (\d+ tokens saved · )?\d+\.\d+s/);
      // The block is redrawn in place: the elapsed time of the running task grows on the same screen line.
      const first = Number(running.exec(live)![1]);
      const later = await waitForScreen((text) => Number(running.exec(text)?.[1]) > first);
      expect(later.match(/spinner +spin/g)).toHaveLength(1);

      tmux('send-keys', '-t', session, 'C-c');
      const done = await waitForScreen((text) => text.includes('tasks completed'));
      expect(done).toMatch(/■ +spinner +spin +cancelled +1/);
      expect(done).toMatch(/✔ +quick +cpu +completed +1/);
      expect(done).toContain('1 of 3 tasks completed');
      expect(done).toContain('(interrupted)');
      expect(await waitForScreen((text) => text.includes('[exit'))).toContain('[exit 130]');
      tmux('kill-session', '-t', session);
    },
  );
});
