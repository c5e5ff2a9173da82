/**
 * What a context field holds: source code (and in which language), prose, or a log. A key that looks like a
 * file path decides by its extension; otherwise the text is sniffed.
 *
 * @module
 */

/** Languages whose code is parsed and folded. */
export type CodeLanguage = 'typescript' | 'tsx' | 'javascript' | 'python';

/** The kind of a string field, which decides how it is compressed. */
export type FieldKind = { kind: 'code'; language: CodeLanguage } | { kind: 'prose' } | { kind: 'log' };

const LANGUAGE_BY_EXTENSION: Record<string, CodeLanguage> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
};

const PROSE_EXTENSIONS = new Set(['md', 'markdown', 'txt', 'rst', 'adoc', 'html']);
const LOG_EXTENSIONS = new Set(['log', 'out', 'err']);

// A file path: optional folders, a name, a dot and a short extension, no spaces.
const FILE_PATH = /^(?:[\w.@~-]+[/\\])*[\w.@-]+\.([A-Za-z0-9]{1,8})$/;

const LOG_LINE =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\[?\d{2}:\d{2}:\d{2}|\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b|\w{3} [ \d]\d \d{2}:\d{2}:\d{2})/;
const CODE_LINE =
  /^\s*(?:import |export |from \S+ import |def |class |function |const |let |var |return\b|if \(|for \(|async |interface |type \w+ =|@\w+)|[;{}:]\s*$|^\s*[})\]]/;
// A line of running text: five or more words, not ending like a statement or block.
const PROSE_LINE = /^\s*(?:[#>*+-]+|\d+[.)])?\s*(?:[\p{L}\p{N}'"“(*_`[][^\s]*\s+){4,}[^;{}]*$/u;
const PYTHON_LINE =
  /^\s*(?:def \w+\(|class \w+[(:]|from \S+ import |import \w+$|elif |if .*:$|for .* in .*:$|self\.)/;

// Markdown: a fenced block, or sub-headings (one `#` is also a Python or shell comment).
const MARKDOWN = /^(?:```|~~~|#{2,6} \S)/m;

function sniff(text: string): FieldKind {
  if (MARKDOWN.test(text)) return { kind: 'prose' };
  const lines = text.split('\n', 400).filter((line) => line.trim() !== '');
  if (lines.length === 0) return { kind: 'prose' };
  const share = (pattern: RegExp): number => lines.filter((line) => pattern.test(line)).length / lines.length;
  if (share(LOG_LINE) >= 0.5) return { kind: 'log' };
  const code = share(CODE_LINE);
  if (code >= 0.35 && code > share(PROSE_LINE)) {
    return {
      kind: 'code',
      language: share(PYTHON_LINE) > 0.1 && !/[{};]\s*$/m.test(text) ? 'python' : 'typescript',
    };
  }
  return { kind: 'prose' };
}

/**
 * Decides how a string field is compressed.
 *
 * @param key - The field's key; a file path such as `src/auth.ts` decides by extension.
 * @param text - The field's text, sniffed when the key does not decide.
 */
export function detectFieldKind(key: string, text: string): FieldKind {
  const extension = FILE_PATH.exec(key)?.[1]?.toLowerCase();
  if (extension !== undefined) {
    const language = LANGUAGE_BY_EXTENSION[extension];
    if (language !== undefined) return { kind: 'code', language };
    if (PROSE_EXTENSIONS.has(extension)) return { kind: 'prose' };
    if (LOG_EXTENSIONS.has(extension)) return { kind: 'log' };
  }
  return sniff(text);
}
