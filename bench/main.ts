/**
 * `npm run bench`: runs the bench sections, shows progress, prints summary tables and writes the report.
 * See `npm run bench -- --help`.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE } from './harness/args.js';
import { loadSections } from './harness/load-sections.js';
import { runBench } from './harness/run-bench.js';

async function main(): Promise<number> {
  const compiled = import.meta.url.endsWith('.js');
  const defaultOut = fileURLToPath(
    new URL(compiled ? '../../bench/results/' : './results/', import.meta.url),
  );
  let args: ReturnType<typeof parseBenchArgs>;
  try {
    args = parseBenchArgs(process.argv.slice(2), defaultOut);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const available = await loadSections();
  const wanted = args.sections;
  const unknown = wanted?.filter((id) => !available.some((section) => section.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown section(s): ${unknown.join(', ')}. Available: ${available.map((section) => section.id).join(', ')}\n`,
    );
    return 2;
  }
  const sections = wanted ? available.filter((section) => wanted.includes(section.id)) : available;
  const { report } = await runBench({
    sections,
    quick: args.quick,
    outRoot: args.out,
    output: process.stdout,
    progress: process.stderr,
  });
  return report.sections.some((section) => section.error !== undefined) ? 1 : 0;
}

const code = await main();
// A failed section may have left threads running that would keep the process alive; the report is written.
if (code === 0) process.exitCode = 0;
else process.exit(code);
