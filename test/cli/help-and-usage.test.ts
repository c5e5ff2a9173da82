import { describe, expect, it } from 'vitest';
import { fixture, runLingflow } from './lingflow-process.js';

describe('lingflow help and usage errors', () => {
  it('lists every command, and each command has its own --help', async () => {
    const list = await runLingflow(['--help']);
    expect(list.code).toBe(0);
    const names = [...list.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((match) => match[1]!);
    expect(names).toEqual(expect.arrayContaining(['run', 'plan', 'count', 'compress', 'bench']));
    const helps = await Promise.all(names.map((name) => runLingflow([name, '--help'])));
    helps.forEach((help, i) => {
      expect(help.code, names[i]).toBe(0);
      expect(help.stdout, names[i]).toMatch(new RegExp(`Usage: (lingflow ${names[i]}|npm run bench)`));
    });
    const run = helps[names.indexOf('run')]!.stdout;
    for (const flag of ['--parallel N|auto', '--trace FILE', '--fail-fast', '--isolation thread|process']) {
      expect(run).toContain(flag);
    }
  });

  it('suggests the flag or command that was meant, and exits 2', async () => {
    const [flag, command, missing, badValue] = await Promise.all([
      runLingflow(['run', fixture('three-tasks.yaml'), '--paralel', '2']),
      runLingflow(['rnu', fixture('three-tasks.yaml')]),
      runLingflow(['run']),
      runLingflow(['run', fixture('three-tasks.yaml'), '--parallel', 'lots']),
    ]);
    expect(flag).toMatchObject({ code: 2, stdout: '' });
    expect(flag.stderr).toContain('unknown option --paralel for "lingflow run"; did you mean --parallel?');
    expect(flag.stderr).toContain('Run "lingflow run --help" for usage.');
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "rnu"; did you mean "run"?');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing argument: lingflow run <workflow.json|yaml>');
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain(
      '--parallel expects a whole number of at least 1 or "auto", got "lots"',
    );
  });

  it('prints the version, and the command list on stderr with exit 2 when no command is given', async () => {
    const [version, none] = await Promise.all([runLingflow(['--version']), runLingflow([])]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: lingflow <command>');
  });
});
