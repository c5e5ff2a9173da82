/**
 * Quality of context compression, measured without a model, on text none of us wrote:
 * - needle retention: facts planted among look-alike distractors in package docs must survive compression
 *   when the question is the task description;
 * - identifier recall: exported functions, classes and types of real source files must keep their names and
 *   parameter lists.
 * Each is reported with the achieved ratio and against head-truncation and random-drop baselines.
 *
 * @module
 */
import type { Node } from 'web-tree-sitter';
import { compressContext } from '../../src/context/compress-context.js';
import { parserFor } from '../../src/context/compression/code-outline.js';
import { truncateToBudget } from '../../src/context/compression/truncate.js';
import { getTokenizer } from '../../src/context/tokenizer/tokenizer.js';
import { seededRandom } from '../../src/scheduling/seeded-random.js';
import { type CorpusDocument, codeCorpus, proseCorpus } from './corpus.js';

/** How a context is reduced: the engine, or a baseline. */
export type ReductionMethod = 'compress' | 'head' | 'random';

/** One row of the quality table. */
export interface QualityResult {
  /** The reduction method. */
  method: ReductionMethod;
  /** The ratio asked for. */
  targetRatio: number;
  /** Kept tokens over original tokens, over all trials. */
  achievedRatio: number;
  /** Share of needles (or signatures) that survived. */
  score: number;
  /** Needles or signatures tried. */
  trials: number;
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

const PROJECTS = [
  'Halvorsen',
  'Brandvik',
  'Okonkwo',
  'Marchetti',
  'Lindqvist',
  'Tanabe',
  'Ferreira',
  'Kowalczyk',
];
const COLOURS = ['amber', 'cobalt', 'scarlet', 'jade', 'ivory', 'slate'];
const OBJECTS = ['lock code', 'vault number', 'badge number', 'gate code', 'ledger key'];

interface Needle {
  fact: string;
  question: string;
}

function fact(colour: string, object: string, project: string, next: () => number): string {
  const value = String(100000 + Math.floor(next() * 900000));
  return `The ${colour} ${object} of the ${project} project is ${value}.`;
}

/** Plants sentences at random line starts of a text. */
function plant(text: string, sentences: readonly string[], next: () => number): string {
  const lines = text.split('\n');
  for (const sentence of sentences) lines.splice(Math.floor(next() * (lines.length + 1)), 0, sentence);
  return lines.join('\n');
}

/** Reduces a context with the engine or a baseline to about `ratio` of its tokens. */
async function reduce(
  context: Record<string, string>,
  ratio: number,
  method: ReductionMethod,
  query: string,
  next: () => number,
): Promise<{ context: Record<string, string>; originalTokens: number; keptTokens: number }> {
  if (method === 'compress') {
    const result = await compressContext(context, { ratio, query });
    return { ...result, context: result.context as Record<string, string> };
  }
  const tokenizer = getTokenizer();
  const reduced: Record<string, string> = {};
  let originalTokens = 0;
  let keptTokens = 0;
  for (const [key, text] of Object.entries(context)) {
    const tokens = tokenizer.count(text);
    const budget = Math.floor(ratio * tokens);
    let kept: string;
    if (method === 'head') {
      kept = truncateToBudget(text, budget, (part) => tokenizer.count(part)).text;
    } else {
      // Drop random lines until the rest fits.
      const lines = text.split('\n');
      const order = lines.map((_, i) => i).sort(() => next() - 0.5);
      const keep = new Set(order);
      let estimate = tokens;
      for (const i of order) {
        if (estimate <= budget) break;
        keep.delete(i);
        estimate -= tokenizer.count(`${lines[i]!}\n`);
      }
      kept = lines.filter((_, i) => keep.has(i)).join('\n');
    }
    reduced[key] = kept;
    originalTokens += tokens;
    keptTokens += tokenizer.count(kept);
  }
  return { context: reduced, originalTokens, keptTokens };
}

/**
 * Plants one needle and its distractors into two package READMEs per trial, reduces the context with the
 * question as the task description, and checks that the needle's sentence survived whole.
 *
 * @param options - Ratio, method, trials and seed.
 */
export async function needleRetention(options: {
  ratio: number;
  method: ReductionMethod;
  trials: number;
  seed?: number;
}): Promise<QualityResult> {
  const next = seededRandom(options.seed ?? 1);
  const documents = proseCorpus();
  let kept = 0;
  let originalTokens = 0;
  let keptTokens = 0;
  for (let trial = 0; trial < options.trials; trial++) {
    const colour = pick(next, COLOURS);
    const object = pick(next, OBJECTS);
    const project = pick(next, PROJECTS);
    const needle: Needle = {
      fact: fact(colour, object, project, next),
      question: `What is the ${colour} ${object} of the ${project} project?`,
    };
    const distractors = [
      ...PROJECTS.filter((other) => other !== project)
        .slice(0, 3)
        .map((other) => fact(colour, object, other, next)),
      fact(COLOURS.find((other) => other !== colour)!, object, project, next),
      fact(colour, OBJECTS.find((other) => other !== object)!, project, next),
    ];
    const first: CorpusDocument = documents[trial % documents.length]!;
    const second: CorpusDocument = documents[(trial + 3) % documents.length]!;
    const planted = [needle.fact, ...distractors].sort(() => next() - 0.5);
    const split = Math.floor(next() * planted.length);
    const context = {
      [first.path]: plant(first.text, planted.slice(0, split), next),
      [second.path]: plant(second.text, planted.slice(split), next),
    };
    const result = await reduce(context, options.ratio, options.method, needle.question, next);
    if (Object.values(result.context).some((text) => text.includes(needle.fact))) kept++;
    originalTokens += result.originalTokens;
    keptTokens += result.keptTokens;
  }
  return {
    method: options.method,
    targetRatio: options.ratio,
    achievedRatio: keptTokens / originalTokens,
    score: kept / options.trials,
    trials: options.trials,
  };
}

const SIGNATURE_TYPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'abstract_class_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
]);

const squeeze = (text: string): string => text.replace(/\s+/g, '');

/** Exported functions, classes and types of a TypeScript file, as name plus parameter list. */
export async function exportedSignatures(source: string): Promise<string[]> {
  const tree = (await parserFor('typescript')).parse(source);
  if (tree === null) return [];
  try {
    const signatures: string[] = [];
    for (const statement of tree.rootNode.namedChildren) {
      const declaration: Node | null | undefined = statement?.childForFieldName('declaration');
      if (statement?.type !== 'export_statement' || !declaration || !SIGNATURE_TYPES.has(declaration.type))
        continue;
      const name = declaration.childForFieldName('name')?.text ?? '';
      const parameters = declaration.childForFieldName('parameters')?.text ?? '';
      signatures.push(squeeze(name + parameters));
    }
    return signatures;
  } finally {
    tree.delete();
  }
}

/**
 * Reduces each TypeScript file of the code corpus on its own and counts the exported signatures that
 * survive with their parameter lists.
 *
 * @param options - Ratio, method and seed.
 */
export async function identifierRecall(options: {
  ratio: number;
  method: ReductionMethod;
  seed?: number;
}): Promise<QualityResult> {
  const next = seededRandom(options.seed ?? 1);
  let found = 0;
  let total = 0;
  let originalTokens = 0;
  let keptTokens = 0;
  for (const document of codeCorpus().filter((doc) => doc.path.endsWith('.ts'))) {
    const signatures = await exportedSignatures(document.text);
    if (signatures.length === 0) continue;
    const result = await reduce({ [document.path]: document.text }, options.ratio, options.method, '', next);
    const kept = squeeze(result.context[document.path] ?? '');
    found += signatures.filter((signature) => kept.includes(signature)).length;
    total += signatures.length;
    originalTokens += result.originalTokens;
    keptTokens += result.keptTokens;
  }
  return {
    method: options.method,
    targetRatio: options.ratio,
    achievedRatio: keptTokens / originalTokens,
    score: found / total,
    trials: total,
  };
}
