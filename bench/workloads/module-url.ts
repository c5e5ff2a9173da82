/**
 * The compiled URL of a bench module that worker threads load (`agents/burn` → `dist/bench/agents/burn.js`).
 * Workers need JavaScript, so tests that import the TypeScript sources still point at `dist/`, which
 * `npm run build` fills.
 */
export function benchModuleUrl(path: string): URL {
  const compiled = import.meta.url.endsWith('.js');
  return new URL(compiled ? `../${path}.js` : `../../dist/bench/${path}.js`, import.meta.url);
}
