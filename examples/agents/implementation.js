import { compressContext } from 'lingflow';
import { analyseSource, readSource, sourceFiles, writeOutput } from './lib/source-files.js';

/**
 * The "implementation" agent: for the source trees in `context.sources` (repository paths) it builds a
 * manifest (per file: SHA-256, exact token count, exports) and an outline (each file compressed by the
 * context engine to `context.ratio` of its tokens, default 0.25, with the task description as the focus).
 * It writes both to `examples/out/<workflow>/` and declares them as output files, which is what the testing
 * and review tasks downstream read.
 */
export default async function implementation(task, ctx) {
  const { sources, workflow = 'run', ratio = 0.25 } = task.context;
  const files = sources.flatMap((source) => sourceFiles(source));
  const entries = [];
  const outline = [];
  for (const [i, path] of files.entries()) {
    ctx.signal.throwIfAborted();
    const text = readSource(path);
    const { sha256, tokens, lines, exported } = analyseSource(text);
    const compressed = await compressContext({ [path]: text }, { ratio, query: task.description });
    entries.push({ path, sha256, tokens, lines, exports: exported, outlineTokens: compressed.keptTokens });
    outline.push(`## ${path}\n\n${compressed.context[path]}\n`);
    ctx.reportProgress((i + 1) / files.length, path);
  }
  const manifest = {
    task: task.id,
    description: task.description,
    files: entries,
    tokens: entries.reduce((sum, entry) => sum + entry.tokens, 0),
    outlineTokens: entries.reduce((sum, entry) => sum + entry.outlineTokens, 0),
  };
  const base = `examples/out/${workflow}/${task.id}`;
  const manifestFile = writeOutput(`${base}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  const outlineFile = writeOutput(`${base}.outline.md`, outline.join('\n'));
  ctx.addOutputFile(manifestFile);
  ctx.addOutputFile(outlineFile);
  return {
    manifest: manifestFile,
    outline: outlineFile,
    files: entries.length,
    tokens: manifest.tokens,
    outlineTokens: manifest.outlineTokens,
  };
}
