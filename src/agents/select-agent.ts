import type { RegisteredAgent } from './agent-registry.js';

/** How automatic agent selection decided for one task. */
export interface AgentSelection {
  /** The chosen agent, or `undefined` when none matched and there is no default. */
  agentType: string | undefined;
  /** Match score of the chosen agent (0 when it is the default or the task named its agent). */
  score: number;
  /** Why this agent, in words. */
  reason: string;
}

const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'for',
  'in',
  'of',
  'on',
  'the',
  'to',
  'with',
  'all',
  'from',
  'into',
]);
/** A capability word weighs more than a description word: it is what the agent's author says it is for. */
const WEIGHT = { name: 3, capability: 2, description: 1 } as const;

/** Lower-cased words with common English endings removed, so "tests", "testing" and "test" match. */
export function keywords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => (word.length > 4 ? word.replace(/(?:ing|ed)$/, '').replace(/([^s])s$/, '$1') : word));
}

/**
 * Picks an agent for a task from its description: each agent scores the sum of the weights of the task's
 * keywords found in its name, capabilities and description; the highest score wins, ties go to the name
 * that sorts first. With no match the default agent is used.
 */
export function selectAgent(
  task: { agentType?: string; description?: string },
  agents: ReadonlyMap<string, RegisteredAgent>,
  defaultAgent?: string,
): AgentSelection {
  if (task.agentType !== undefined)
    return { agentType: task.agentType, score: 0, reason: 'named by the task' };

  const wanted = new Set(keywords(task.description ?? ''));
  let best: { agentType: string; score: number; matched: string[] } | undefined;
  for (const agent of [...agents.values()].sort((a, b) => (a.type < b.type ? -1 : 1))) {
    const weights = new Map<string, number>();
    const offer = (words: string[], weight: number) => {
      for (const word of words) weights.set(word, Math.max(weights.get(word) ?? 0, weight));
    };
    offer(keywords(agent.description), WEIGHT.description);
    offer(agent.capabilities.flatMap(keywords), WEIGHT.capability);
    offer(keywords(agent.type), WEIGHT.name);
    const matched = [...wanted].filter((word) => weights.has(word));
    const score = matched.reduce((sum, word) => sum + weights.get(word)!, 0);
    if (score > 0 && (!best || score > best.score)) best = { agentType: agent.type, score, matched };
  }
  if (best) {
    return {
      agentType: best.agentType,
      score: best.score,
      reason: `matched ${best.matched.map((w) => `"${w}"`).join(', ')}`,
    };
  }
  if (defaultAgent !== undefined) {
    return {
      agentType: defaultAgent,
      score: 0,
      reason: 'no agent matched the description; using defaultAgent',
    };
  }
  return {
    agentType: undefined,
    score: 0,
    reason: 'no agent matched the description and there is no defaultAgent',
  };
}
