import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadWorkflowFile, WorkflowFileError } from 'lingflow';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixture, runLingflow } from './lingflow-process.js';

async function problemsOf(file: string): Promise<WorkflowFileError> {
  const error = await loadWorkflowFile(file).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WorkflowFileError);
  return error as WorkflowFileError;
}

describe('workflow files', () => {
  it('resolves agent modules against the file’s folder and keeps the tasks as written', async () => {
    const workflow = await loadWorkflowFile(fixture('three-tasks.yaml'));
    expect(workflow.name).toBe('three tasks');
    expect(workflow.parallel).toBe(2);
    expect(workflow.tasks.map((task) => task.id)).toEqual(['left', 'right', 'join']);
    expect(workflow.tasks[2]!.dependencies).toEqual(['left', 'right']);
    expect(workflow.coordinatorOptions.agents!.cpu!.module).toBe(
      fileURLToPath(new URL('../fixtures/agents/cpu.js', import.meta.url)),
    );
  });

  it('reports every problem at once, each with its line, task and field', async () => {
    const error = await problemsOf(fixture('many-problems.yaml'));
    const found = error.issues.map(({ line, taskId, path, message }) => ({ line, taskId, path, message }));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          line: 2,
          path: ['max_parallel_agents'],
          message: 'unknown field; did you mean "maxParallelAgents"?',
        }),
        expect.objectContaining({ line: 7, path: ['agents', 'ghost', 'module'] }),
        expect.objectContaining({
          line: 11,
          taskId: 'first',
          path: ['tasks', 0, 'dependencies', 0],
          message: 'unknown task "nowhere"',
        }),
        expect.objectContaining({ line: 13, taskId: 'second', path: ['tasks', 1, 'agentType'] }),
        expect.objectContaining({ line: 16, taskId: 'third', path: ['tasks', 2, 'timeoutMs'] }),
      ]),
    );
    expect(error.issues).toHaveLength(5);
    expect(error.message).toContain(
      `${fixture('many-problems.yaml')}:11:20  task "first", dependencies[0]: unknown task "nowhere"`,
    );
  });

  it('points at syntax errors in YAML and JSON, names cycles, and says when the file is missing', async () => {
    // Written here rather than kept as fixtures: the repository's linter parses YAML and JSON files too.
    const folder = await mkdtemp(join(tmpdir(), 'lingflow-syntax-'));
    const brokenYaml = join(folder, 'broken.yaml');
    const brokenJson = join(folder, 'broken.json');
    await writeFile(brokenYaml, 'name: broken\ntasks:\n  - id: a\n    context: { x: [1, 2\n  - id: b\n');
    await writeFile(brokenJson, '{\n  "tasks": [\n    { "id": "a", }\n  ]\n}\n');
    const yaml = await problemsOf(brokenYaml);
    expect(yaml.issues[0]).toMatchObject({ line: 5, message: expect.stringContaining('not valid YAML') });
    const json = await problemsOf(brokenJson);
    await rm(folder, { recursive: true });
    expect(json.issues[0]).toMatchObject({
      line: 3,
      column: 18,
      message: expect.stringContaining('not valid JSON'),
    });
    const cycle = await problemsOf(fixture('cycle.yaml'));
    expect(cycle.issues[0]!.message).toContain('dependency cycle: "a" → "c" → "b" → "a"');
    const missing = await problemsOf(fixture('no-such-workflow.yaml'));
    expect(missing.issues[0]!.message).toBe('no such file');
  });

  it('makes lingflow run print the problems with file:line:column and exit 2 before running anything', async () => {
    const run = await runLingflow(['run', fixture('many-problems.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Invalid workflow file ${fixture('many-problems.yaml')}: 5 problems`);
    expect(run.stderr).toContain(
      `${fixture('many-problems.yaml')}:13:5  task "second", agentType: unknown agent "gpu"`,
    );
  });

  it('publishes a JSON Schema that accepts every example and fixture workflow and rejects a bad one', async () => {
    const schema = JSON.parse(await readFile('schema/workflow.schema.json', 'utf8'));
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    const valid = [
      ...(await readdir('examples'))
        .filter((name) => /\.(ya?ml|json)$/.test(name))
        .map((name) => `examples/${name}`),
      fixture('three-tasks.yaml'),
      fixture('one-fails.json'),
      fixture('spins.yaml'),
    ];
    expect(valid.length).toBeGreaterThanOrEqual(6);
    for (const file of valid) {
      const document = parse(await readFile(file, 'utf8'));
      expect(validate(document) ? [] : validate.errors, file).toEqual([]);
      // The loader agrees: every example is runnable as written.
      await expect(loadWorkflowFile(file)).resolves.toMatchObject({ file });
    }
    expect(validate(parse(await readFile(fixture('many-problems.yaml'), 'utf8')))).toBe(false);
    expect(validate.errors!.map((error) => error.params)).toContainEqual({
      additionalProperty: 'max_parallel_agents',
    });
  });
});
