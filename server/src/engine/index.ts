/**
 * The engine's public API. Pure: no file system, no LSP, no terminal. Never throws on any
 * input text; an internal failure is returned as `internalError` with partial results.
 */
import { convertModule, type ConversionCache } from './syntax/convert';
import type { ParsedTree, PythonParser } from './syntax/tree';
import type { AnalysisResult, AnalyzeOptions } from './types';
import { interpretModule } from './interp/interpreter';
import { analyseAcrossVersions, candidateVersions, versionGroups } from './versions';

export * from './types';
export { RULES, findRule, ruleByName, ruleUrl } from './rules/index';
export type { Rule, RuleDoc, RuleName } from './rules/index';
export { LineIndex } from './positions';
export type { PythonParser, ParsedTree, TreeEdit } from './syntax/tree';
export { formatShape } from './shapes';
export { ConversionCache } from './syntax/convert';

export interface EngineResult extends AnalysisResult {
  /** Set when analysis failed internally; diagnostics found before the failure are kept. */
  internalError?: string;
}

/** Analyses an already parsed tree of `text` (the language server keeps trees for re-parsing). */
export function analyzeTree(tree: ParsedTree, text: string, options: AnalyzeOptions & { conversionCache?: ConversionCache } = {}): EngineResult {
  let module;
  try {
    module = convertModule(tree.rootNode, options.conversionCache);
  } catch (e) {
    return { ...emptyResult(), internalError: describe(e) };
  }
  const base: AnalysisResult = {
    ...emptyResult(),
    comments: module.comments,
    syntaxErrors: module.syntaxErrors,
  };
  try {
    const groups = versionGroups(candidateVersions(text, options.kerasVersions));
    const r = analyseAcrossVersions(groups, (kerasProbe) => interpretModule(module, text, { ...options, kerasProbe }), options.kerasVersionSource);
    return { ...base, diagnostics: r.diagnostics, models: r.models, tensors: r.tensors, truncated: r.truncated };
  } catch (e) {
    return { ...base, internalError: describe(e) };
  }
}

/** Parses and analyses `text` in one go. */
export function analyzeText(parser: PythonParser, text: string, options: AnalyzeOptions = {}): EngineResult {
  let tree: ParsedTree;
  try {
    tree = parser.parse(text);
  } catch (e) {
    return { ...emptyResult(), internalError: describe(e) };
  }
  try {
    return analyzeTree(tree, text, options);
  } finally {
    tree.dispose();
  }
}

function emptyResult(): AnalysisResult {
  return { diagnostics: [], models: [], tensors: [], syntaxErrors: [], comments: [], truncated: false };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
}
