import { compressContext, countTokens } from 'lingflow';
import { analyseSource, readSource } from './lib/source-files.js';

/**
 * The "review" agent: reads the files an implementation task produced (`context.files`): every source file
 * its manifests (`.json`) list, and its outlines (other files). It reviews the sources (undocumented exports,
 * TODOs, overlong lines, and how far the context engine compresses each for a reviewer model, to
 * `context.ratio`, default 0.3, focused on `task.description`) and counts the outlines' tokens.
 */
export default async function review(task, ctx) {
  const { files, ratio = 0.3, maxLineLength = 120 } = task.context;
  const manifests = files.filter((file) => file.endsWith('.json'));
  const outlines = files.filter((file) => !file.endsWith('.json'));
  const sources = manifests.flatMap((file) => JSON.parse(readSource(file)).files.map((entry) => entry.path));
  const outlineTokens = outlines.reduce((sum, file) => sum + countTokens(readSource(file)), 0);
  const findings = [];
  let originalTokens = 0;
  let keptTokens = 0;
  for (const [i, path] of sources.entries()) {
    ctx.signal.throwIfAborted();
    const text = readSource(path);
    const analysis = analyseSource(text);
    for (const name of analysis.undocumented) findings.push(`${path}: export ${name} has no doc comment`);
    if (analysis.todos > 0) findings.push(`${path}: ${analysis.todos} TODO/FIXME markers`);
    if (analysis.longestLine > maxLineLength)
      findings.push(`${path}: a line of ${analysis.longestLine} characters`);
    const compressed = await compressContext({ [path]: text }, { ratio, query: task.description });
    originalTokens += compressed.originalTokens;
    keptTokens += compressed.keptTokens;
    ctx.reportProgress((i + 1) / sources.length, path);
  }
  return { reviewed: sources.length, findings, originalTokens, keptTokens, outlineTokens };
}
