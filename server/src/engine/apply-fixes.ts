/**
 * Applying fixes to a text: pure string logic shared by `shapelint --fix` and the language
 * server's "fix all". Verification (re-parse, re-check) is the caller's job: it needs a parser.
 */
import type { Diagnostic, Fix, TextEdit } from './types';

export type FixMode = 'safe' | 'unsafe';

/** The fix `--fix` (or `--fix --unsafe-fixes`) would apply for a diagnostic: the best allowed one. */
export function chooseFix(d: Diagnostic, mode: FixMode): Fix | null {
  // A fix edits the diagnostic's own file: one in an imported module is not this text's to apply.
  if (d.file !== undefined) return null;
  return d.fixes.find((f) => f.edits.length > 0 && (mode === 'unsafe' || f.applicability === 'safe')) ?? null;
}

/** Applies edits (all computed on `text`). Throws when two edits overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  for (let i = 1; i < sorted.length; i++) {
    if (overlaps(sorted[i - 1], sorted[i])) throw new Error('overlapping edits');
  }
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.range.start) + e.newText;
    pos = e.range.end;
  }
  return out + text.slice(pos);
}

export interface FixBatch {
  text: string;
  /** Diagnostics whose fix went in. */
  applied: Diagnostic[];
  /** Fixes left out because they touched text another fix in this batch already edits. */
  deferred: Diagnostic[];
}

/**
 * Applies one fix per diagnostic, skipping fixes that overlap an earlier one (a later pass
 * picks them up, as Ruff does). Diagnostics are taken in order of position.
 */
export function applyFixes(text: string, diagnostics: readonly Diagnostic[], mode: FixMode): FixBatch {
  const taken: TextEdit[] = [];
  const applied: Diagnostic[] = [];
  const deferred: Diagnostic[] = [];
  const ordered = [...diagnostics].sort((a, b) => a.range.start - b.range.start);
  for (const d of ordered) {
    const fix = chooseFix(d, mode);
    if (!fix) continue;
    if (fix.edits.some((e) => taken.some((t) => overlaps(t, e) || touchesSame(t, e)))) {
      deferred.push(d);
      continue;
    }
    taken.push(...fix.edits);
    applied.push(d);
  }
  return { text: applied.length ? applyEdits(text, taken) : text, applied, deferred };
}

function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  return a.range.start < b.range.end && b.range.start < a.range.end;
}

/** Two insertions at the same point would have an undefined order: treat them as a conflict. */
function touchesSame(a: TextEdit, b: TextEdit): boolean {
  return a.range.start === b.range.start && (a.range.start === a.range.end || b.range.start === b.range.end);
}
