/**
 * Checks that a document is well-formed XML as far as the bench's SVGs need: every element closed in
 * order, attributes quoted, no stray `&` or `<`. Returns the problems found (none when well-formed).
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<([^>]*)>/g;
  let last = 0;
  for (const match of xml.matchAll(tag)) {
    checkText(xml.slice(last, match.index), problems);
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing, other] = match;
    if (other !== undefined) {
      if (!other.startsWith('?') && !other.startsWith('!')) problems.push(`malformed tag <${other}>`);
    } else if (closing) {
      const expected = open.pop();
      if (expected !== name) problems.push(`</${name}> closes <${expected}>`);
    } else if (!selfClosing) open.push(name!);
  }
  checkText(xml.slice(last), problems);
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  return problems;
}

function checkText(text: string, problems: string[]) {
  if (text.includes('<')) problems.push(`stray < in "${text.slice(0, 40)}"`);
  for (const match of text.matchAll(/&(?!(amp|lt|gt|quot|apos|#\d+);)/g))
    problems.push(`stray & at "${text.slice(match.index, match.index + 20)}"`);
}
