/**
 * The lint pipeline shared by the CLI and the language server: analyse a text with the
 * engine, apply the user's rule selection, then the suppression comments. Suppressions and
 * per-file settings are layered on here, never in the engine.
 */
import {
  analyzeText,
  analyzeTree,
  type AnalyzeOptions,
  type Diagnostic,
  type EngineResult,
  type ParsedTree,
  type PythonParser,
} from '../engine/index';
import { applySuppressions, parseSuppressions, type Suppression } from '../engine/suppressions';

export interface LintSettings extends AnalyzeOptions {
  /** Rule codes, code prefixes (`SL0`), names or `ALL` to report; empty or undefined means all. */
  select?: string[];
  /** Rule codes, prefixes or names never reported. */
  ignore?: string[];
  /** Set to false to report suppressed diagnostics anyway (and no unused-suppression). */
  suppressions?: boolean;
}

export interface LintResult {
  /** Reported diagnostics: selected, not suppressed, plus unused-suppression ones. */
  diagnostics: Diagnostic[];
  engine: EngineResult;
  /** Diagnostics hidden by a suppression comment. */
  suppressed: Diagnostic[];
  /** The suppression directives found in the file. */
  directives: Suppression[];
}

export function lintText(parser: PythonParser, text: string, settings: LintSettings = {}, textOf?: (file: string) => string | undefined): LintResult {
  const engine = analyzeText(parser, text, engineOptions(settings));
  return lintEngineResult(engine, text, settings, textOf);
}

/**
 * The engine's options for a lint: the settings (plain data, so they cross worker threads)
 * plus this process's clock, which the engine needs for the time budget.
 */
export function engineOptions(settings: LintSettings): AnalyzeOptions {
  return { ...settings, clock: settings.clock ?? monotonicMs };
}

/**
 * A monotonic clock in milliseconds. Not `performance.now()`: its first use loads Node's
 * performance modules, ~2 ms of a one-file check's start-up.
 */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * `lintText` on a tree the caller already holds (the language server re-parses incrementally).
 * The tree stays the caller's; both paths share `lintEngineResult` so CLI and editor agree.
 */
export function lintTree(tree: ParsedTree, text: string, settings: LintSettings = {}): LintResult {
  return lintEngineResult(analyzeTree(tree, text, engineOptions(settings)), text, settings);
}

/** The part of the pipeline after the engine (the language server reuses its own trees). */
export function lintEngineResult(engine: EngineResult, text: string, settings: LintSettings = {}, textOf?: (file: string) => string | undefined): LintResult {
  const all = engine.diagnostics.filter((d) => isSelected(d, settings));
  if (settings.suppressions === false) return { diagnostics: all, engine, suppressed: [], directives: [] };
  const selected = all.filter((d) => d.file === undefined);
  const elsewhere = suppressElsewhere(all.filter((d) => d.file !== undefined), engine, settings, textOf);
  const directives = parseSuppressions(engine.comments, text);
  const outcome = applySuppressions(selected, directives, text, {
    isEnabled: (code) => ruleEnabled(code, code, settings),
  });
  const unused = outcome.unused.filter((d) => isSelected(d, settings));
  const diagnostics = [...outcome.kept, ...unused].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return { diagnostics: [...diagnostics, ...elsewhere.kept], engine, suppressed: [...outcome.suppressed, ...elsewhere.suppressed], directives };
}

/**
 * Diagnostics located in imported modules obey those modules' own suppression comments
 * (their unused suppressions are reported by the modules' own lints, not here).
 */
function suppressElsewhere(found: Diagnostic[], engine: EngineResult, settings: LintSettings, textOf?: (file: string) => string | undefined): { kept: Diagnostic[]; suppressed: Diagnostic[] } {
  const out = { kept: [] as Diagnostic[], suppressed: [] as Diagnostic[] };
  for (const file of new Set(found.map((d) => d.file!))) {
    const here = found.filter((d) => d.file === file);
    const text = textOf?.(file);
    const comments = engine.elsewhere?.find((e) => e.file === file)?.comments ?? [];
    if (text === undefined) {
      out.kept.push(...here);
      continue;
    }
    const outcome = applySuppressions(here, parseSuppressions(comments, text), text, { isEnabled: (code) => ruleEnabled(code, code, settings) });
    out.kept.push(...outcome.kept);
    out.suppressed.push(...outcome.suppressed);
  }
  return out;
}

export function isSelected(d: Diagnostic, s: LintSettings): boolean {
  return ruleEnabled(d.code, d.rule, s);
}

/** Whether a rule (by code and name) passes `select` and `ignore`. */
export function ruleEnabled(code: string, name: string, s: LintSettings): boolean {
  const matches = (keys: string[] | undefined) => !!keys?.some((k) => selectorMatches(k, code, name));
  if (s.select && s.select.length > 0 && !matches(s.select)) return false;
  return !matches(s.ignore);
}

/** `ALL`, an exact name, an exact code or a code prefix (`SL0` selects SL001…SL099). */
export function selectorMatches(selector: string, code: string, name: string): boolean {
  const k = selector.trim();
  if (k.toUpperCase() === 'ALL' || k === name) return true;
  return /^SL\d*$/i.test(k) && code.toUpperCase().startsWith(k.toUpperCase());
}
