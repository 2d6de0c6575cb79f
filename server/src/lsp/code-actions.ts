/**
 * Code actions: a quick fix per fix a diagnostic carries (the fixes travel in
 * `Diagnostic.data`, so nothing is recomputed), "Disable <rule> for this line", and
 * `source.fixAll.shapelint`, which applies safe fixes only. Edits come from the same pure
 * helpers the CLI uses (`--add-noqa`, `--fix`).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
  type TextEdit,
} from 'vscode-languageserver';
import type { Analysis } from './analysis';
import { applyFixes, chooseFix } from '../engine/apply-fixes';
import { noqaEdit as engineNoqaEdit } from '../engine/suppressions';
import { comparePos, SOURCE, toRange, type DiagnosticData } from './convert';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.shapelint`;

export function codeActions(params: CodeActionParams, analysis: Analysis): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const current = currentDiagnostic(d, analysis);
      if (current) actions.push(...quickFixes(current, analysis));
    }
  }
  if (wants(FIX_ALL_KIND)) {
    const fixAll = fixAllAction(analysis);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

/**
 * The diagnostic as the current analysis has it: a client may send one computed for an older
 * version, whose fix ranges no longer fit the text.
 */
function currentDiagnostic(d: LspDiagnostic, analysis: Analysis): LspDiagnostic | undefined {
  const data = d.data as DiagnosticData | undefined;
  if (data && data.version === analysis.version && Array.isArray(data.fixes)) return d;
  return analysis.diagnostics.find(
    (c) => c.code === d.code && comparePos(c.range.start, d.range.start) === 0 && comparePos(c.range.end, d.range.end) === 0,
  );
}

function quickFixes(d: LspDiagnostic, analysis: Analysis): CodeAction[] {
  const data = d.data as DiagnosticData;
  const out: CodeAction[] = data.fixes.map((fix, i) => ({
    title: fix.applicability === 'unsafe' ? `${fix.title} (unsafe: changes behaviour)` : fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: i === 0,
    edit: { changes: { [analysis.uri]: fix.edits } },
  }));
  const noqa = noqaEdit(analysis, d.range.start.line, String(d.code));
  if (noqa) {
    out.push({
      title: `Disable ${d.code} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: { changes: { [analysis.uri]: [noqa] } },
    });
  }
  return out;
}

/** "Disable for this line": the same edit as the CLI's `--add-noqa`. */
function noqaEdit(analysis: Analysis, line: number, code: string): TextEdit | null {
  if (!analysis.lint) return null;
  const edit = engineNoqaEdit(analysis.text, line, [code], analysis.lint.directives);
  return edit ? { range: toRange(analysis.lines, edit.range), newText: edit.newText } : null;
}

/** Safe fixes only, one per diagnostic, none overlapping: what `shapelint check --fix` applies in one pass. */
function fixAllAction(analysis: Analysis): CodeAction | null {
  if (!analysis.lint) return null;
  const batch = applyFixes(analysis.text, analysis.lint.diagnostics, 'safe');
  const edits = batch.applied.flatMap((d) => chooseFix(d, 'safe')?.edits ?? []);
  if (edits.length === 0) return null;
  const lspEdits = edits.map((e) => ({ range: toRange(analysis.lines, e.range), newText: e.newText }));
  return { title: 'shapelint: fix all safe problems', kind: FIX_ALL_KIND, edit: { changes: { [analysis.uri]: lspEdits } } };
}
