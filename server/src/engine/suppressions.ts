/**
 * Suppression comments, as pure text logic shared by the CLI and the language server.
 *
 * Forms understood (case-insensitive keywords):
 *  - `# noqa` on a line: suppresses every shapelint diagnostic starting on that line;
 *  - `# noqa: SL001, SL003` (codes or rule names, separated by commas or spaces, as Ruff reads
 *    them; the list ends at the first word that is not a code, so an explanation may follow);
 *  - `# shapelint: ignore` / `# shapelint: ignore[kernel-exceeds-input, SL003]` on a line;
 *  - `# shapelint: ignore-file` / `# shapelint: ignore-file[rule, ...]` anywhere in the file.
 *
 * Codes other tools own (`# noqa: E501`) are ignored, and kept by every edit, so shared `noqa`
 * comments keep working. A bare `# noqa` is never reported as unused: it usually belongs to
 * another linter. `# noqa:` with no code after it (`# noqa: ,,,`) suppresses nothing (Ruff
 * warns about it as missing codes): it is never taken for a bare `# noqa`.
 */
import { EditedLines, type LineIndex } from './positions';
import { findRule, ruleByName } from './rules/index';
import type { Diagnostic, TextEdit, TextRange } from './types';

export interface Suppression {
  /** `line` applies to diagnostics starting on `line`; `file` to the whole file. */
  scope: 'line' | 'file';
  /** Which comment syntax was used: `noqa` or `shapelint: ignore`. */
  style: 'noqa' | 'shapelint';
  /** 0-based line of the comment. */
  line: number;
  /** Rule codes (canonical `SL…`), or null for "all rules". Empty: only other tools' codes. */
  codes: string[] | null;
  /** `noqa` only: the listed codes as written, other tools' included, in order. */
  written: string[];
  /** The directive's own text range (from `#` to the end of its code list). */
  range: TextRange;
  /** The whole comment token. */
  comment: TextRange;
}

export interface SuppressionOutcome {
  /** Diagnostics left after suppression, in input order. */
  kept: Diagnostic[];
  suppressed: Diagnostic[];
  /** `unused-suppression` diagnostics (each with a safe fix deleting the stale part). */
  unused: Diagnostic[];
}

const NOQA = /#\s*noqa/gi;
const SHAPELINT = /#\s*shapelint:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?/gi;
/** A code of another tool (`E501`, `PLR2004`): letters then digits. */
const FOREIGN_CODE = /^[A-Za-z]+[0-9]+$/;

/** Whether a comment may hold a directive (most comments do not: they are skipped at once). */
const MAY_DIRECT = /#\s*(?:noqa|shapelint:)/i;

/**
 * The lines of the last text read here: the server lints each version of a document being
 * edited, which differs from the last only around the edit.
 */
const lastLines = new EditedLines();

function linesOf(text: string): LineIndex {
  return lastLines.of(text);
}

/** Finds every suppression directive in the file's comments. */
export function parseSuppressions(comments: readonly { range: TextRange; text: string }[], textOfFile: string): Suppression[] {
  // Lines are counted only when a directive is found (the server lints a large file at every edit).
  let index: LineIndex | null = null;
  const out: Suppression[] = [];
  for (const raw of comments) {
    if (!MAY_DIRECT.test(raw.text)) continue;
    // A comment token can end with the CR of a CRLF line break: that belongs to the line.
    const text = raw.text.replace(/\r+$/, '');
    const c = { text, range: { start: raw.range.start, end: raw.range.start + text.length } };
    const line = (index ??= linesOf(textOfFile)).lineOf(c.range.start);
    for (const m of c.text.matchAll(NOQA)) {
      const found = noqaAt(c.text, m.index! + m[0].length);
      if (!found) continue;
      const range = { start: c.range.start + m.index!, end: c.range.start + found.end };
      out.push({ scope: 'line', style: 'noqa', line, codes: found.codes, written: found.written, range, comment: c.range });
    }
    for (const m of c.text.matchAll(SHAPELINT)) {
      const range = { start: c.range.start + m.index!, end: c.range.start + m.index! + m[0].length };
      const codes = m[2] === undefined ? null : canonicalCodes(m[2].split(','));
      const scope = m[1].toLowerCase() === 'ignore-file' ? 'file' : 'line';
      out.push({ scope, style: 'shapelint', line, codes, written: [], range, comment: c.range });
    }
  }
  return out;
}

/**
 * What follows `# noqa` at `after`: nothing, a space or `#` makes it bare (all rules); a colon
 * and a list of codes makes it specific. Anything else (`# noqa[SL001]`, `# noqa: ,,,`, a word
 * glued on) is not a directive.
 */
function noqaAt(comment: string, after: number): { codes: string[] | null; written: string[]; end: number } | null {
  const next = comment[after];
  if (next === undefined || next === '#' || /\s/.test(next)) return { codes: null, written: [], end: after };
  if (next !== ':') return null;
  const written: string[] = [];
  let end = after + 1;
  const item = /[\s,]*([A-Za-z0-9_\-]+)/y;
  item.lastIndex = end;
  for (let m = item.exec(comment); m; m = item.exec(comment)) {
    if (!findRule(m[1]) && !FOREIGN_CODE.test(m[1])) break; // an explanation starts here
    written.push(m[1]);
    end = item.lastIndex;
  }
  return written.length ? { codes: canonicalCodes(written), written, end } : null;
}

/** Rule codes for a list of codes or names, dropping other tools' ones. */
function canonicalCodes(list: readonly string[]): string[] {
  const codes: string[] = [];
  for (const raw of list) {
    const rule = findRule(raw.trim());
    if (rule && !codes.includes(rule.code)) codes.push(rule.code);
  }
  return codes;
}

export interface ApplyOptions {
  /** Whether a rule is enabled by configuration: only enabled codes can be reported unused. */
  isEnabled?: (code: string) => boolean;
}

/** Drops suppressed diagnostics and reports suppressions that matched nothing. */
export function applySuppressions(
  diagnostics: readonly Diagnostic[],
  suppressions: readonly Suppression[],
  text: string,
  options: ApplyOptions = {},
): SuppressionOutcome {
  if (suppressions.length === 0) return { kept: [...diagnostics], suppressed: [], unused: [] };
  const index = linesOf(text);
  const used = suppressions.map(() => new Set<string>());
  const kept: Diagnostic[] = [];
  const suppressed: Diagnostic[] = [];
  for (const d of diagnostics) {
    const line = index.lineOf(d.range.start);
    let hit = false;
    suppressions.forEach((s, i) => {
      if (s.scope === 'line' && s.line !== line) return;
      if (s.codes && !s.codes.includes(d.code)) return;
      used[i].add(d.code);
      hit = true;
    });
    (hit ? suppressed : kept).push(d);
  }
  const isEnabled = options.isEnabled ?? (() => true);
  const unused: Diagnostic[] = [];
  suppressions.forEach((s, i) => {
    const d = unusedDiagnostic(s, used[i], text, isEnabled);
    if (d) unused.push(d);
  });
  return { kept, suppressed, unused };
}

function unusedDiagnostic(s: Suppression, used: Set<string>, text: string, isEnabled: (c: string) => boolean): Diagnostic | null {
  if (used.size > 0 && s.codes === null) return null;
  if (s.codes === null && s.style === 'noqa') return null;
  const stale = s.codes === null ? [] : s.codes.filter((c) => !used.has(c) && isEnabled(c));
  if (s.codes !== null && stale.length === 0) return null;
  const remaining = remainingCodes(s, stale);
  const what = s.codes === null ? 'suppresses nothing' : `unused: ${stale.join(', ')}`;
  const title = remaining.length > 0 ? `Remove unused code${stale.length > 1 ? 's' : ''} ${stale.join(', ')}` : 'Remove unused suppression';
  const edit = remaining.length > 0 ? rewriteCodes(s, remaining, text) : deleteDirective(s, text);
  const rule = ruleByName('unused-suppression');
  return {
    code: rule.code,
    rule: rule.name,
    severity: rule.severity,
    message: `Unused suppression (${what})`,
    explanation: [],
    range: s.range,
    related: [],
    fixes: [{ title, applicability: 'safe', edits: [edit] }],
  };
}

/** The codes a directive keeps once `stale` ones go: other tools' codes always stay, as written. */
function remainingCodes(s: Suppression, stale: readonly string[]): string[] {
  if (s.codes === null) return [];
  if (s.style === 'shapelint') return s.codes.filter((c) => !stale.includes(c));
  return s.written.filter((w) => {
    const rule = findRule(w);
    return !rule || !stale.includes(rule.code);
  });
}

/** Rewrites the directive keeping only `keep`, in the directive's own style. */
function rewriteCodes(s: Suppression, keep: string[], text: string): TextEdit {
  const original = text.slice(s.range.start, s.range.end);
  const newText = s.style === 'noqa' ? `# noqa: ${keep.join(', ')}` : original.replace(/\[[^\]]*\]/, `[${keep.join(', ')}]`);
  return { range: s.range, newText };
}

/**
 * Deletes the directive and the blank space before it. When the comment held only the
 * directive, the comment goes; when the line held only the comment, the whole line goes.
 */
function deleteDirective(s: Suppression, text: string): TextEdit {
  const commentOnlyDirective = text.slice(s.comment.start, s.comment.end).trim() === text.slice(s.range.start, s.range.end).trim();
  const end = commentOnlyDirective ? s.comment.end : s.range.end;
  let start = s.range.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  const index = linesOf(text);
  const line = index.lineOf(s.range.start);
  if (start === index.lineStart(line) && end === index.lineEnd(line)) {
    const next = line + 1 < index.lineCount ? index.lineStart(line + 1) : end;
    return { range: { start, end: next }, newText: '' };
  }
  if (!commentOnlyDirective) {
    // `# type: ignore  # noqa: SL001  # more` keeps the text after the directive.
    let after = end;
    while (after < s.comment.end && (text[after] === ' ' || text[after] === '\t')) after++;
    if (after < s.comment.end) return { range: { start: s.range.start, end: after }, newText: '' };
  }
  return { range: { start, end }, newText: '' };
}

/**
 * The edit `--add-noqa` makes on one line: appends `# noqa: CODES`, or merges the codes
 * into an existing `# noqa: ...` directive on that line.
 */
export function noqaEdit(text: string, line: number, codes: readonly string[], existing: readonly Suppression[]): TextEdit | null {
  const index = linesOf(text);
  const current = existing.find((s) => s.scope === 'line' && s.style === 'noqa' && s.line === line);
  if (current) {
    if (current.codes === null) return null;
    const added = codes.filter((c) => !current.codes!.includes(c));
    if (added.length === 0) return null;
    // Other tools' codes in the same directive stay.
    return { range: current.range, newText: `# noqa: ${[...current.written, ...added].join(', ')}` };
  }
  const end = index.lineEnd(line);
  return { range: { start: end, end }, newText: `  # noqa: ${codes.join(', ')}` };
}
