/**
 * The lint pipeline shared by the CLI and the language server: analyse a text with the
 * engine, then apply the user's rule selection. Suppressions and per-file settings are
 * layered on here, never in the engine.
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

export interface LintSettings extends AnalyzeOptions {
  /** Rule codes or names to report; empty or undefined means all. */
  select?: string[];
  /** Rule codes or names never reported. */
  ignore?: string[];
}

export interface LintResult {
  diagnostics: Diagnostic[];
  engine: EngineResult;
}

export function lintText(parser: PythonParser, text: string, settings: LintSettings = {}): LintResult {
  return finishLint(analyzeText(parser, text, settings), settings);
}

/**
 * `lintText` on a tree the caller already holds (the language server re-parses incrementally).
 * The tree stays the caller's; both paths share `finishLint` so CLI and editor agree.
 */
export function lintTree(tree: ParsedTree, text: string, settings: LintSettings = {}): LintResult {
  return finishLint(analyzeTree(tree, text, settings), settings);
}

function finishLint(engine: EngineResult, settings: LintSettings): LintResult {
  const diagnostics = engine.diagnostics.filter((d) => isSelected(d, settings));
  return { diagnostics, engine };
}

function isSelected(d: Diagnostic, s: LintSettings): boolean {
  const matches = (keys: string[] | undefined) => !!keys?.some((k) => k === d.rule || k.toUpperCase() === d.code);
  if (s.select && s.select.length > 0 && !matches(s.select)) return false;
  return !matches(s.ignore);
}
