import { AgentCoordinator } from 'lingflow';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureAgent, fixtureAgents } from '../helpers.js';

let coordinator: AgentCoordinator;
afterEach(() => coordinator?.close());

describe('resourceLimits with process isolation', () => {
  it('caps the heap of agent processes, so a heap hog fails its own task instead of taking the machine', async () => {
    coordinator = new AgentCoordinator({
      maxParallelAgents: 2,
      isolation: 'process',
      agents: {
        hog: { module: fixtureAgent('heap-hog') },
        limit: { module: fixtureAgent('heap-limit') },
        cpu: fixtureAgents.cpu!,
      },
      resourceLimits: { maxOldGenerationSizeMb: 48 },
    });
    const [limit] = await coordinator.executeWorkflow([{ id: 'limit', agentType: 'limit' }]);
    // V8 adds its young generation to the old-generation ceiling; far below the default of gigabytes.
    expect((limit!.output as { heapSizeLimitMb: number }).heapSizeLimitMb).toBeLessThan(100);

    const [hog, sibling] = await coordinator.executeWorkflow([
      { id: 'hog', agentType: 'hog' },
      { id: 'sibling', agentType: 'cpu', context: { iterations: 1e6 } },
    ]);
    expect(hog).toMatchObject({ status: 'failed', success: false });
    expect(hog!.error).toMatch(/worker running task "hog" crashed/);
    expect(sibling!.status).toBe('completed');
  });
});
