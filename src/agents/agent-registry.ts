import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentBinding } from '../execution/protocol.js';
import type { AgentSpec } from '../types.js';

/** A registered agent: its spec plus the module URL workers import. */
export interface RegisteredAgent extends AgentBinding {
  description: string;
  capabilities: readonly string[];
}

/**
 * Turns the user's agent specs into bindings workers can import: relative paths resolve against `baseDir`,
 * and every module becomes a `file:` (or other) URL string.
 */
export function registerAgents(
  specs: Readonly<Record<string, AgentSpec>>,
  baseDir: string = process.cwd(),
): Map<string, RegisteredAgent> {
  const agents = new Map<string, RegisteredAgent>();
  for (const [type, spec] of Object.entries(specs)) {
    agents.set(type, {
      type,
      moduleUrl: moduleUrlOf(spec.module, baseDir),
      kind: spec.kind ?? 'cpu',
      ...(spec.isolation === undefined ? {} : { isolation: spec.isolation }),
      description: spec.description ?? '',
      capabilities: spec.capabilities ?? [],
    });
  }
  return agents;
}

function moduleUrlOf(module: string | URL, baseDir: string): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(baseDir, module)).href;
}
