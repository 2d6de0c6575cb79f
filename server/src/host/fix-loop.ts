/**
 * `--fix`: apply fixes, re-check, repeat until nothing changes. A batch whose result has a
 * new syntax error or a new shape error is retried one fix at a time, and the fixes that
 * still break something are dropped (Ruff's fix invariants: converge, never break the code).
 */
import { applyEdits, applyFixes, chooseFix, type FixMode } from '../engine/apply-fixes';
import type { Diagnostic, PythonParser, RuleName } from '../engine/index';
import { lintText, type LintResult, type LintSettings } from './lint';

export interface AppliedFix {
  code: string;
  rule: RuleName;
  title: string;
}

export interface FixOutcome {
  text: string;
  applied: AppliedFix[];
  /** The lint result of the final text. */
  result: LintResult;
}

const MAX_PASSES = 10;

export function fixText(parser: PythonParser, text: string, settings: LintSettings, mode: FixMode): FixOutcome {
  let current = lintText(parser, text, settings);
  let currentText = text;
  const applied: AppliedFix[] = [];
  const rejected = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const candidates = current.diagnostics.filter((d) => chooseFix(d, mode) && !rejected.has(fixKey(d, mode)));
    if (candidates.length === 0) break;
    const batch = applyFixes(currentText, candidates, mode);
    const next = lintText(parser, batch.text, settings);
    if (acceptable(current, next)) {
      applied.push(...batch.applied.map((d) => describe(d, mode)));
      [currentText, current] = [batch.text, next];
      continue;
    }
    const one = firstAcceptable(parser, currentText, current, batch.applied, settings, mode, rejected);
    if (!one) break;
    applied.push(describe(one.diagnostic, mode));
    [currentText, current] = [one.text, one.result];
  }
  return { text: currentText, applied, result: current };
}

function firstAcceptable(
  parser: PythonParser,
  text: string,
  before: LintResult,
  diagnostics: Diagnostic[],
  settings: LintSettings,
  mode: FixMode,
  rejected: Set<string>,
): { text: string; result: LintResult; diagnostic: Diagnostic } | null {
  for (const d of diagnostics) {
    const fixed = applyEdits(text, chooseFix(d, mode)!.edits);
    const result = lintText(parser, fixed, settings);
    if (acceptable(before, result)) return { text: fixed, result, diagnostic: d };
    rejected.add(fixKey(d, mode));
  }
  return null;
}

/** No new syntax error, no internal failure, and no shape error that was not there before. */
export function acceptable(before: LintResult, after: LintResult): boolean {
  if (after.engine.internalError && !before.engine.internalError) return false;
  if (after.engine.syntaxErrors.length > before.engine.syntaxErrors.length) return false;
  const counts = new Map<string, number>();
  for (const d of before.diagnostics) counts.set(shapeKey(d), (counts.get(shapeKey(d)) ?? 0) + 1);
  for (const d of after.diagnostics) {
    // A fix that removes an error can leave its suppression unused, or let the analysis go
    // further before a budget runs out: that is expected.
    if (d.code === 'SL100' || d.code === 'SL101') continue;
    const left = counts.get(shapeKey(d)) ?? 0;
    if (left === 0) return false;
    counts.set(shapeKey(d), left - 1);
  }
  return true;
}

function shapeKey(d: Diagnostic): string {
  return `${d.code}\0${d.message.split('\n')[0]}`;
}

function fixKey(d: Diagnostic, mode: FixMode): string {
  return `${shapeKey(d)}\0${chooseFix(d, mode)?.title}`;
}

function describe(d: Diagnostic, mode: FixMode): AppliedFix {
  return { code: d.code, rule: d.rule, title: chooseFix(d, mode)!.title };
}
