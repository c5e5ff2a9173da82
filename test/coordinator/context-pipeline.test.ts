import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AgentCoordinator, compressContext, countTokens } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgent } from '../helpers.js';

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

// Real prose none of us wrote: the README of an installed package.
const require = createRequire(import.meta.url);
const readme = readFileSync(join(dirname(dirname(require.resolve('piscina'))), 'README.md'), 'utf8');
const agents = { echo: { module: fixtureAgent('echo-context') } };
// Real TypeScript: a source file of an installed package.
const source = readFileSync(
  join(dirname(require.resolve('gpt-tokenizer/package.json')), 'src/GptEncoding.ts'),
  'utf8',
);

describe('context preparation in the workers', () => {
  it('compresses each context to its budget before the agent runs and reports the savings', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 2, agents, compressionRatio: 0.5 });
    const [result] = await coordinator.executeWorkflow([
      {
        id: 'docs',
        agentType: 'echo',
        description: 'How do I cancel a task?',
        context: { 'README.md': readme, retries: 3 },
      },
    ]);
    expect(result!.status).toBe('completed');
    const report = result!.context!;
    const original = countTokens(readme) + countTokens('3');
    expect(report.originalTokens).toBe(original);
    expect(report.keptTokens).toBeLessThanOrEqual(Math.floor(original * 0.5));
    const seen = result!.output as { 'README.md': string; retries: number };
    expect(seen.retries).toBe(3);
    expect(countTokens(seen['README.md']) + countTokens('3')).toBe(report.keptTokens);
    expect(report.strategies['README.md']!.length).toBeGreaterThan(0);
    expect(coordinator.getWorkflowStatus().tokens).toEqual({
      original: report.originalTokens,
      kept: report.keptTokens,
      saved: report.originalTokens - report.keptTokens,
    });
  });

  it('compresses code in the workers as on the main thread', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents, compressionRatio: 0.3 });
    const description = 'How are special tokens encoded?';
    const context = { 'src/GptEncoding.ts': source };
    const [result] = await coordinator.executeWorkflow([
      { id: 'code', agentType: 'echo', description, context },
    ]);
    const here = await compressContext(context, { ratio: 0.3, query: description });
    expect(result!.output).toEqual(here.context);
    expect(result!.context!.strategies).toEqual(here.strategies);
    expect(here.strategies['src/GptEncoding.ts']).toContain('code:fold-bodies');
  });

  it('lets a task turn compression off and still counts its context', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents });
    const [result] = await coordinator.executeWorkflow([
      { id: 'full', agentType: 'echo', enableCompression: false, context: { 'README.md': readme } },
    ]);
    expect((result!.output as { 'README.md': string })['README.md']).toBe(readme);
    expect(result!.context).toMatchObject({
      originalTokens: countTokens(readme),
      keptTokens: countTokens(readme),
      ratio: 1,
    });
  });

  it('fails only the task whose context cannot fit, with a TokenLimitError message that says what to change', async () => {
    coordinator = new AgentCoordinator({ maxParallelAgents: 1, agents });
    const table = Array.from({ length: 200 }, (_, index) => ({ row: index, value: `cell ${index}` }));
    const [tooBig, fine] = await coordinator.executeWorkflow([
      { id: 'table', agentType: 'echo', maxContextTokens: 50, context: { table } },
      { id: 'small', agentType: 'echo', context: { note: 'short' } },
    ]);
    expect(tooBig!.status).toBe('failed');
    expect(tooBig!.error).toMatch(/Context of task "table".*needs at least \d+ tokens but the limit is 50/);
    expect(tooBig!.error).toContain('Raise maxContextTokens');
    expect(fine!.status).toBe('completed');
  });

  it('rejects bad compression settings on the coordinator and on tasks, all at once', async () => {
    expect(() => new AgentCoordinator({ agents, compressionRatio: 0, tokenizer: 'nope' as never })).toThrow(
      /compressionRatio[\s\S]*tokenizer/,
    );
    coordinator = new AgentCoordinator({ agents });
    await expect(
      coordinator.executeWorkflow([
        { id: 'x', agentType: 'echo', compressionRatio: 2, maxContextTokens: -1 },
      ]),
    ).rejects.toThrow(/compressionRatio[\s\S]*maxContextTokens/);
  });
});
