import { analyseSource, readSource, sourceFiles } from './lib/source-files.js';

/**
 * The "testing" agent. Two modes, both real work on real files:
 * - `context.module`: checks every source file of a module (a repository path): counts its tokens, and
 *   tests that every export has a doc comment; with `failOnUndocumented` a missing one fails the task.
 * - `context.manifest`: verifies a manifest written by the implementation agent: every file listed still
 *   has the recorded SHA-256 and token count. Any mismatch fails the task.
 */
export default function testing(task, ctx) {
  if (task.context.manifest) return verifyManifest(task.context.manifest, ctx);
  const { module, failOnUndocumented = false } = task.context;
  const files = sourceFiles(module);
  const report = { module, files: files.length, tokens: 0, exports: 0, undocumented: [] };
  files.forEach((file, i) => {
    ctx.signal.throwIfAborted();
    const analysis = analyseSource(readSource(file));
    report.tokens += analysis.tokens;
    report.exports += analysis.exported.length;
    for (const name of analysis.undocumented) report.undocumented.push(`${file}: ${name}`);
    ctx.reportProgress((i + 1) / files.length, file);
  });
  if (failOnUndocumented && report.undocumented.length > 0) {
    throw new Error(
      `${report.undocumented.length} exports without a doc comment: ${report.undocumented.slice(0, 3).join(', ')}`,
    );
  }
  return report;
}

function verifyManifest(manifestPath, ctx) {
  const manifest = JSON.parse(readSource(manifestPath));
  const mismatches = [];
  manifest.files.forEach((entry, i) => {
    ctx.signal.throwIfAborted();
    const analysis = analyseSource(readSource(entry.path));
    if (analysis.sha256 !== entry.sha256) mismatches.push(`${entry.path}: content changed`);
    else if (analysis.tokens !== entry.tokens)
      mismatches.push(`${entry.path}: ${analysis.tokens} tokens, manifest says ${entry.tokens}`);
    ctx.reportProgress((i + 1) / manifest.files.length, entry.path);
  });
  if (mismatches.length > 0)
    throw new Error(`manifest ${manifestPath} does not match: ${mismatches.join('; ')}`);
  return { manifest: manifestPath, verified: manifest.files.length, tokens: manifest.tokens };
}
