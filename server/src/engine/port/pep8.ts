/**
 * PEP 8's 79 columns for generated code: comments wrap at word boundaries, a trailing comment
 * moves above its line, and a long call breaks after its opening parenthesis (hanging indent),
 * one argument per line when the arguments still do not fit.
 */
const WIDTH = 79;

export function pep8Lines(code: string): string {
  return joinSentences(code.split('\n')).flatMap(wrapLine).join('\n');
}

/** A comment sentence the writer split over lines is one paragraph again before wrapping. */
function joinSentences(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const here = /^(\s*)# (.*)$/.exec(line);
    const before = prev === undefined ? null : /^(\s*)# (.*)$/.exec(prev);
    if (here && before && here[1] === before[1] && !/[.;:]$/.test(before[2])) out[out.length - 1] = `${prev} ${here[2]}`;
    else out.push(line);
  }
  return out;
}

function wrapLine(line: string): string[] {
  if (line.length <= WIDTH) return [line];
  const indent = /^\s*/.exec(line)![0];
  const comment = /^(\s*)# (.*)$/.exec(line);
  if (comment) return wrapComment(indent, comment[2]);
  const trailing = splitTrailingComment(line);
  if (trailing) return [...wrapComment(indent, trailing[1]), ...wrapLine(trailing[0])];
  return wrapCall(line, indent) ?? [line];
}

function wrapComment(indent: string, text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur && indent.length + 2 + cur.length + 1 + word.length > WIDTH) {
      out.push(`${indent}# ${cur}`);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(`${indent}# ${cur}`);
  return out;
}

/** [code, comment] when the line ends with a `  # comment` outside strings. */
function splitTrailingComment(line: string): [string, string] | null {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && line.slice(i - 2, i) === '  ') return [line.slice(0, i - 2), line.slice(i + 2)];
  }
  return null;
}

/** `head(args)tail` broken after the parenthesis; null when the line is no single call. */
function wrapCall(line: string, indent: string): string[] | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open || !/^\)[,:]?$/.test(line.slice(close))) return null;
  const args = splitArgs(line.slice(open + 1, close));
  if (!args) return null;
  const inner = `${indent}    `;
  const tail = line.slice(close);
  const oneLine = `${inner}${args.join(', ')}${tail}`;
  if (oneLine.length <= WIDTH) return [line.slice(0, open + 1), oneLine];
  return [line.slice(0, open + 1), ...args.map((a, i) => `${inner}${a}${i === args.length - 1 ? '' : ','}`), `${indent}${tail}`];
}

/** Top-level comma-separated arguments; null when brackets or quotes do not balance. */
function splitArgs(s: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
    if (depth < 0) return null;
  }
  if (depth !== 0 || quote) return null;
  out.push(s.slice(start).trim());
  return out.filter((a) => a.length > 0);
}
