import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './section.js';

/**
 * The sections `npm run bench` runs, in order, by file name under bench/sections/. A file that is not
 * there (yet) is left out, so the harness works while other sections are still being written.
 */
export const SECTION_FILES = [
  'cpu-speedup',
  'workflows',
  'tiny-tasks',
  'dispatch',
  'context',
  'adaptive',
  'scale',
  'distributed',
] as const;

/**
 * Imports, in order, every section of `names` whose file exists in `directory`; each exports its
 * `BenchSection` as `section`.
 */
export async function loadSections(
  names: readonly string[] = SECTION_FILES,
  directory = new URL('../sections/', import.meta.url),
): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  for (const name of names) {
    const url = new URL(`${name}.${extension}`, directory);
    if (!existsSync(fileURLToPath(url))) continue;
    const module = (await import(url.href)) as { section?: BenchSection };
    if (!module.section)
      throw new Error(`bench/sections/${name} does not export a BenchSection named "section"`);
    sections.push(module.section);
  }
  return sections;
}
