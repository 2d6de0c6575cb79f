/**
 * `--add-noqa`: suppress every current diagnostic with a `# noqa: CODE` on its line (merging
 * into an existing directive). A file whose result would not parse as before is left alone.
 */
import { applyEdits } from '../engine/apply-fixes';
import { LineIndex, type PythonParser, type TextEdit } from '../engine/index';
import type { SyntaxNode } from '../engine/syntax/tree';
import { noqaEdit } from '../engine/suppressions';
import { lintText, type LintResult } from '../host/lint';
import { loadParser } from '../host/parser';
import type { CheckItem } from './check';
import type { CliIo } from './io';
import { writeProgram } from './item-text';
import { printable } from './report';

/** Returns true when something failed (exit 2). */
export async function addNoqa(items: CheckItem[], io: CliIo): Promise<boolean> {
  if (items.length === 0) return false;
  const parser = await loadParser();
  let added = 0;
  let failed = false;
  try {
    for (const item of items) {
      if (item.lossy) continue;
      const r = lintText(parser, item.text, item.settings);
      const edits = noqaEdits(parser, item, r, io);
      if (edits.length === 0) continue;
      const text = applyEdits(item.text, edits);
      // Belt and braces: a result that parses worse than before is never written.
      if (lintText(parser, text, { ...item.settings, select: ['SL100'] }).engine.syntaxErrors.length > r.engine.syntaxErrors.length) {
        io.stderr(`warning: not adding noqa directives to ${printable(item.display)}: the result would not parse\n`);
        continue;
      }
      const outcome = writeProgram(item, text);
      if (outcome.ok) added += edits.length;
      else {
        io.stderr(`error: cannot write ${printable(item.display)}: ${outcome.reason}\n`);
        failed = true;
      }
    }
  } finally {
    parser.dispose();
  }
  io.stderr(`Added ${added} noqa directive${added === 1 ? '' : 's'}.\n`);
  return failed;
}

/** One edit per flagged line; a line that ends inside a multi-line string is skipped with a warning. */
function noqaEdits(parser: PythonParser, item: CheckItem, r: LintResult, io: CliIo): TextEdit[] {
  const index = new LineIndex(item.text);
  const byLine = new Map<number, string[]>();
  for (const d of r.diagnostics) {
    // Stale suppressions and budget notes (which move with the machine's speed) are not suppressed.
    if (d.code === 'SL100' || d.code === 'SL101') continue;
    const line = index.lineOf(d.range.start);
    const codes = byLine.get(line) ?? [];
    if (!codes.includes(d.code)) codes.push(d.code);
    byLine.set(line, codes);
  }
  const tree = parser.parse(item.text);
  try {
    const edits: TextEdit[] = [];
    for (const [line, codes] of byLine) {
      if (insideString(tree.rootNode, index.lineEnd(line))) {
        io.stderr(`warning: ${printable(item.display)}:${line + 1}: no \`# noqa\` added: the line ends inside a multi-line string, where a comment would become part of the string\n`);
        continue;
      }
      const edit = noqaEdit(item.text, line, codes, r.directives);
      if (edit) edits.push(edit);
    }
    return edits;
  } finally {
    tree.dispose();
  }
}

/** Whether `offset` falls strictly inside a string literal (text appended there joins the string). */
export function insideString(node: SyntaxNode, offset: number): boolean {
  if (offset <= node.startIndex || offset >= node.endIndex) return false;
  if (node.type === 'string') return true;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child && insideString(child, offset)) return true;
  }
  return false;
}
