/**
 * What the CLI reports, independent of the output format: per file, the findings (shape
 * diagnostics and syntax errors) with the text they point into.
 */
import { chooseFix, type FixMode } from '../engine/apply-fixes';
import { LineIndex, type CellMap, type CliPosition, type Diagnostic, type Fix, type RuleName, type SyntaxProblem, type TextRange } from '../engine/index';

/** A diagnostic or a syntax error; syntax errors have no rule code (as Ruff reports them). */
export type Finding = Omit<Diagnostic, 'code' | 'rule' | 'framework'> & { code: string | null; rule: RuleName | 'syntax-error' };

/**
 * Whether a finding is a problem: info notes (`analysis-incomplete`) say how far the analysis got,
 * so they are printed but neither counted as errors nor change the exit code.
 */
export function isProblem(f: Finding): boolean {
  return f.severity !== 'info';
}

/** A file a related place may point into (another module of the project). */
export interface SourceRef {
  path: string;
  display: string;
  text: string;
  index: LineIndex;
  /** For a notebook: its cells' lines in `text` (the analysed program). */
  cells?: CellMap;
}

export interface FileReport {
  /** Absolute path. */
  path: string;
  /** Path relative to the working folder, `/`-separated, as printed. */
  display: string;
  text: string;
  index: LineIndex;
  findings: Finding[];
  /** Files by absolute path, for related places in other files (`RelatedLocation.file`). */
  sources?: Map<string, SourceRef>;
  /** For a notebook: its cells' lines in `text` (the analysed program). */
  cells?: CellMap;
}

/**
 * Related places in other files as `file:row:col: message` lines, for the formats without
 * related locations (GitHub, JUnit), so a cross-file chain still names every file.
 */
export function relatedLines(file: FileReport, f: Finding): string[] {
  return f.related.filter((r) => r.file !== undefined).map((r) => `${whereLabel(relatedSource(file, r), r.range.start)}: ${firstLine(r.message)}`);
}

/** The file a related place is in: its own `file` when set (and known), else the finding's file. */
export function relatedSource(file: FileReport, related: { file?: string }): SourceRef {
  return (related.file !== undefined && file.sources?.get(related.file)) || file;
}

export interface RunReport {
  files: FileReport[];
  /** `--unsafe-fixes`: unsafe fixes count as applicable. */
  fixMode: FixMode;
  /** Fixes applied in this run (for the footer), per display path. */
  fixed: number;
  /** Files whose fixes could not be written (errors on stderr; the footer says so). */
  unwritten?: number;
  /** Colour the human formats (`--color`). */
  color?: boolean;
  /** `--quiet`: the findings only, no summary footer. */
  quiet?: boolean;
}

export function fileReport(abs: string, display: string, text: string, diagnostics: Diagnostic[], syntaxErrors: SyntaxProblem[], cells?: CellMap): FileReport {
  const findings = [...syntaxErrors.map(syntaxFinding), ...diagnostics.map(diagnosticFinding)];
  findings.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  // Assigned onto the reference: a spread of it would make its index.
  return Object.assign(sourceRef(abs, display, text, cells), { findings });
}

/**
 * A file as reports refer to it. Its line index is made on first use: most files of a large run
 * have no finding, and indexing every file's lines took ~0.1 s of a 771-file check's end.
 */
export function sourceRef(abs: string, display: string, text: string, cells?: CellMap): SourceRef {
  let index: LineIndex | undefined;
  return {
    path: abs,
    display,
    text,
    get index() {
      return (index ??= new LineIndex(text));
    },
    ...(cells ? { cells } : {}),
  };
}

/** Where an offset is, as printed: row and column, counted inside its cell in a notebook. */
export function locate(file: SourceRef, offset: number): CliPosition & { cell: number | null } {
  return file.cells ? file.cells.toCell(file.index, offset) : { cell: null, ...file.index.toCli(offset) };
}

/**
 * A range as lines (and columns) of the file on disk, for formats that annotate the file
 * itself. In a notebook that is the JSON line holding each cell line, without columns (the
 * JSON escapes make them meaningless); the message names the cell.
 */
export function fileSpan(file: SourceRef, range: TextRange): { startLine: number; endLine: number; startColumn?: number; endColumn?: number } {
  if (file.cells) return { startLine: file.cells.fileLine(file.index, range.start), endLine: file.cells.fileLine(file.index, Math.max(range.start, range.end - 1)) };
  const s = file.index.toCli(range.start);
  const e = file.index.toCli(range.end);
  return { startLine: s.row, startColumn: s.column, endLine: e.row, endColumn: e.column };
}

/** `path:row:column`, or `notebook.ipynb:cell 3:4:5` (Ruff's spelling). */
export function whereLabel(file: SourceRef, offset: number): string {
  const at = locate(file, offset);
  return `${printable(file.display)}:${at.cell === null ? '' : `cell ${at.cell}:`}${at.row}:${at.column}`;
}

function diagnosticFinding(d: Diagnostic): Finding {
  return { code: d.code, rule: d.rule, severity: d.severity, message: d.message, explanation: d.explanation, range: d.range, related: d.related, fixes: d.fixes };
}

function syntaxFinding(s: SyntaxProblem): Finding {
  return { code: null, rule: 'syntax-error', severity: 'error', message: `SyntaxError: ${s.message}`, explanation: [], range: s.range, related: [], fixes: [] };
}

/** The fix `--fix` would apply (respecting `--unsafe-fixes`). */
export function applicableFix(f: Finding, mode: FixMode): Fix | null {
  return f.code ? chooseFix(f as unknown as Diagnostic, mode) : null;
}

/** The fix to show: the applicable one, else the best one (shown as needing --unsafe-fixes). */
export function shownFix(f: Finding, mode: FixMode): Fix | null {
  return applicableFix(f, mode) ?? f.fixes.find((x) => x.edits.length > 0) ?? null;
}

export function firstLine(message: string): string {
  return message.split(/\r?\n/)[0];
}

export function allFindings(report: RunReport): { file: FileReport; finding: Finding }[] {
  return report.files.flatMap((file) => file.findings.map((finding) => ({ file, finding })));
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A file name as terminal text: control characters (line breaks, ANSI escapes, C1 codes) and
 * bidirectional overrides are shown as escapes, so a name can never forge or recolour a line.
 */
export function printable(name: string): string {
  return name.replace(UNPRINTABLE, (c) => {
    if (NAMED_ESCAPES[c]) return NAMED_ESCAPES[c];
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
