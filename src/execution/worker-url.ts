/**
 * Locates a compiled worker entry point.
 *
 * Workers must be JavaScript, so they always come from `dist/workers/`. From the compiled library
 * (`dist/src/execution/worker-url.js`) that is a sibling tree; when tests import the TypeScript sources
 * directly, the same files are found in `dist/` after `npm run build`.
 *
 * @param name - The worker's file name without extension, e.g. `agent-worker`.
 * @returns A `file:` URL suitable for `new Worker()`, Piscina or Tinypool.
 */
export function workerUrl(name: string): URL {
  const compiled = import.meta.url.endsWith('.js');
  return new URL(compiled ? `../../workers/${name}.js` : `../../dist/workers/${name}.js`, import.meta.url);
}
