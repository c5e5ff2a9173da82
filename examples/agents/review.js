import { compressContext } from 'lingflow';
import { analyseSource, readSource } from './lib/source-files.js';

/**
 * The "review" agent: reads the files an implementation task produced (`context.files`, usually manifests)
 * and every source file they list, and reviews them: undocumented exports, TODOs, overlong lines, and how
 * far the context engine can compress each file for a reviewer model (`context.ratio`, default 0.3) with
 * the review's focus (`task.description`) as the query.
 */
export default async function review(task, ctx) {
  const { files, ratio = 0.3, maxLineLength = 120 } = task.context;
  const sources = files.flatMap((file) => {
    const text = readSource(file);
    return file.endsWith('.json') ? JSON.parse(text).files.map((entry) => entry.path) : [file];
  });
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
  return { reviewed: sources.length, findings, originalTokens, keptTokens };
}
