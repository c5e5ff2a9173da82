import { analyseSource, readSource, sourceFiles, writeOutput } from './lib/source-files.js';

/**
 * The "implementation" agent: builds a manifest of the source trees in `context.sources` (repository
 * paths): per file its SHA-256, exact token count and exports. It writes the manifest to
 * `examples/out/<workflow>/<task id>.json` and declares it as an output file, which is what testing and
 * review tasks downstream read.
 */
export default function implementation(task, ctx) {
  const { sources, workflow = 'run' } = task.context;
  const files = sources.flatMap((source) => sourceFiles(source));
  const entries = files.map((path, i) => {
    ctx.signal.throwIfAborted();
    const { sha256, tokens, lines, exported } = analyseSource(readSource(path));
    ctx.reportProgress((i + 1) / files.length, path);
    return { path, sha256, tokens, lines, exports: exported };
  });
  const manifest = {
    task: task.id,
    description: task.description,
    files: entries,
    tokens: entries.reduce((sum, entry) => sum + entry.tokens, 0),
  };
  const written = writeOutput(
    `examples/out/${workflow}/${task.id}.json`,
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  ctx.addOutputFile(written);
  return { manifest: written, files: entries.length, tokens: manifest.tokens };
}
