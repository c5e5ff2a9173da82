import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countTokens } from 'lingflow';

/** The repository the examples live in: paths in task contexts are relative to it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const SOURCE_EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs']);

/** A repository-relative path as an absolute one. */
export function inRepo(path) {
  return resolve(repoRoot, path);
}

/** Source files under a repository-relative file or folder, sorted, as repository-relative paths. */
export function sourceFiles(path) {
  const absolute = inRepo(path);
  if (!statSync(absolute).isDirectory()) return [relative(repoRoot, absolute)];
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE_EXTENSIONS.has(extname(entry.name)) && !entry.name.endsWith('.map')) found.push(full);
    }
  };
  walk(absolute);
  return found.sort().map((file) => relative(repoRoot, file));
}

const EXPORT =
  /^export\s+(?:default\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/;

/**
 * What one source file holds: exact tokens (lingflow's tokenizer), a SHA-256, its exported names and which
 * of them lack a doc comment, TODO markers and the longest line.
 */
export function analyseSource(text) {
  const lines = text.split('\n');
  const exported = [];
  const undocumented = [];
  lines.forEach((line, i) => {
    const name = EXPORT.exec(line)?.[1];
    if (!name) return;
    exported.push(name);
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    if (previous < 0 || !lines[previous].trim().endsWith('*/')) undocumented.push(name);
  });
  return {
    lines: lines.length,
    characters: text.length,
    tokens: countTokens(text),
    sha256: createHash('sha256').update(text).digest('hex'),
    exported,
    undocumented,
    todos: lines.filter((line) => /\bTODO\b|\bFIXME\b/.test(line)).length,
    longestLine: Math.max(...lines.map((line) => line.length)),
  };
}

/** Reads a repository-relative file. */
export function readSource(path) {
  return readFileSync(inRepo(path), 'utf8');
}

/** Writes a repository-relative output file, creating its folder. @returns Its repository-relative path. */
export function writeOutput(path, content) {
  const absolute = inRepo(path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, content);
  return relative(repoRoot, absolute);
}
