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
import type { PortFramework } from '../engine/port/ir';
import { modelContaining, PORT_COMMAND } from './requests';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.shapelint`;
export const PORT_KIND = `${CodeActionKind.RefactorRewrite}.shapelint.port`;

const PORT_TARGETS: { to: PortFramework; name: string }[] = [
  { to: 'torch', name: 'PyTorch' },
  { to: 'keras', name: 'Keras' },
  { to: 'gluon', name: 'Gluon' },
];

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
  if (wants(PORT_KIND)) actions.push(...portActions(params, analysis));
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

/**
 * "Port this model to …" for the model whose definition holds the range: a command the client
 * runs (it asks `shapelint/port` and opens the code as a new document; LSP cannot open untitled ones).
 */
function portActions(params: CodeActionParams, analysis: Analysis): CodeAction[] {
  const models = (analysis.lint?.engine.models ?? []).filter((m) => m.framework !== 'mxsym');
  const model = modelContaining(models, analysis, params.range.start);
  if (!model) return [];
  return PORT_TARGETS.filter((t) => t.to !== model.framework).map((t) => ({
    title: `Port this model to ${t.name}`,
    kind: PORT_KIND,
    command: { title: `Port ${model.name} to ${t.name}`, command: PORT_COMMAND, arguments: [analysis.uri, model.name, t.to] },
  }));
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
