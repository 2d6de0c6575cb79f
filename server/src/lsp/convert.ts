/** Engine results → LSP objects. Offsets become positions only through `LineIndex`. */
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type Range,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { ruleByName, ruleUrl, type Diagnostic, type Fix, type LineIndex, type RuleName, type TextRange } from '../engine/index';

export const SOURCE = 'shapelint';

/** A fix as shipped in `Diagnostic.data`, already in LSP coordinates of `version`. */
export interface LspFix {
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: LspTextEdit[];
}

export interface DiagnosticData {
  uri: string;
  version: number;
  rule: RuleName;
  fixes: LspFix[];
}

export function toRange(lines: LineIndex, r: TextRange): Range {
  return { start: lines.toLsp(r.start), end: lines.toLsp(r.end) };
}

export function toFix(lines: LineIndex, f: Fix): LspFix {
  return {
    title: f.title,
    applicability: f.applicability,
    edits: f.edits.map((e) => ({ range: toRange(lines, e.range), newText: e.newText })),
  };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

export function toDiagnostic(d: Diagnostic, lines: LineIndex, uri: string, version: number): LspDiagnostic {
  const data: DiagnosticData = { uri, version, rule: d.rule, fixes: d.fixes.map((f) => toFix(lines, f)) };
  return {
    range: toRange(lines, d.range),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: SOURCE,
    // What is wrong in plain words, then the framework's own words (what users search for), then the trace.
    message: messageLines(d).join('\n'),
    relatedInformation: d.related.map((r) => ({ location: { uri, range: toRange(lines, r.range) }, message: r.message })),
    codeDescription: { href: ruleUrl(ruleByName(d.rule)) },
    data,
  };
}

/** A line of the shape trace: `input (…) (line 4) …` or `Conv2d (cell 3, line 8): (…) → (…)`. */
const TRACE = /^(input \(|[\w.]+ \((cell \d+, )?line \d+\): )/;

export function isTraceLine(line: string): boolean {
  return TRACE.test(line);
}

/**
 * The first line of an editor's message: the explanation's sentence saying what is wrong in plain
 * terms (as Ruff and rust-analyzer lead), when there is one; the framework's raw words follow.
 */
export function headline(d: Pick<Diagnostic, 'explanation'>): string | null {
  return d.explanation.find((l) => !isTraceLine(l)) ?? null;
}

function messageLines(d: Diagnostic): string[] {
  const head = headline(d);
  return head ? [head, d.message, ...d.explanation.filter((l) => l !== head)] : [d.message, ...d.explanation];
}

/** True when `inner` lies within `outer` (positions compared line, then character). */
export function rangeContains(outer: Range, inner: Range): boolean {
  return comparePos(outer.start, inner.start) <= 0 && comparePos(inner.end, outer.end) <= 0;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return comparePos(a.start, b.end) <= 0 && comparePos(b.start, a.end) <= 0;
}

export function comparePos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}
