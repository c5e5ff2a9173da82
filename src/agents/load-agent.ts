import type { AgentHandler } from './agent-context.js';

const handlers = new Map<string, Promise<AgentHandler>>();

/**
 * Imports an agent module once per thread and returns its default export. A failed load is not cached,
 * so a module fixed on disk can load on the next attempt.
 */
export function loadAgentHandler(moduleUrl: string): Promise<AgentHandler> {
  let handler = handlers.get(moduleUrl);
  if (!handler) {
    handler = importHandler(moduleUrl);
    handlers.set(moduleUrl, handler);
    handler.catch(() => handlers.delete(moduleUrl));
  }
  return handler;
}

async function importHandler(moduleUrl: string): Promise<AgentHandler> {
  const module: { default?: unknown } = await import(moduleUrl);
  if (typeof module.default !== 'function') {
    throw new TypeError(
      `the module's default export is ${typeof module.default}, expected a handler function`,
    );
  }
  return module.default as AgentHandler;
}
