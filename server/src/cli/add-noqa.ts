/**
 * `--add-noqa`: suppress every current diagnostic with a `# noqa: CODE` on its line (merging
 * into an existing directive). A file whose result would not parse as before is left alone.
 */
import { applyEdits } from '../engine/apply-fixes';
import { LineIndex, type TextEdit } from '../engine/index';
import { noqaEdit } from '../engine/suppressions';
import { lintText } from '../host/lint';
import { loadParser, type BackendChoice } from '../host/parser';
import { writeSourceAtomic } from '../host/source-file';
import type { CheckItem } from './check';
import type { CliIo } from './io';

/** Returns true when something failed (exit 2). */
export async function addNoqa(items: CheckItem[], backend: BackendChoice, io: CliIo): Promise<boolean> {
  if (items.length === 0) return false;
  const parser = await loadParser(backend);
  let added = 0;
  let failed = false;
  try {
    for (const item of items) {
      if (item.lossy) continue;
      const r = lintText(parser, item.text, item.settings);
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
      const edits = [...byLine].map(([line, codes]) => noqaEdit(item.text, line, codes, r.directives)).filter((e): e is TextEdit => e !== null);
      if (edits.length === 0) continue;
      const text = applyEdits(item.text, edits);
      // A line inside a multi-line string cannot take a comment: never break the file.
      if (lintText(parser, text, { ...item.settings, select: ['SL100'] }).engine.syntaxErrors.length > r.engine.syntaxErrors.length) {
        io.stderr(`warning: not adding noqa directives to ${item.display}: the result would not parse\n`);
        continue;
      }
      try {
        writeSourceAtomic(item.abs, text, item.bom);
        added += edits.length;
      } catch (e) {
        io.stderr(`error: cannot write ${item.display}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
        failed = true;
      }
    }
  } finally {
    parser.dispose();
  }
  io.stderr(`Added ${added} noqa directive${added === 1 ? '' : 's'}.\n`);
  return failed;
}
