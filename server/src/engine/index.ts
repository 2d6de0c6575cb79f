/**
 * The engine's public API. Pure: no file system, no LSP, no terminal. Never throws on any
 * input text; an internal failure is returned as `internalError` with partial results.
 * Every analysis runs within the budgets of `budget.ts`.
 */
import { BudgetExceeded, budgetDiagnostic, Meter } from './budget';
import { convertModule, type ConversionCache } from './syntax/convert';
import type { Module } from './syntax/ast';
import type { ParsedTree, PythonParser } from './syntax/tree';
import type { AnalysisResult, AnalyzeOptions } from './types';
import { interpretModule } from './interp/interpreter';
import { analyseAcrossVersions, candidateVersions, versionGroups } from './versions';
import { interpretIncrementally, type AnalysisCache } from './incremental';

export * from './types';
export { RULES, findRule, ruleByName, ruleUrl } from './rules/index';
export type { Rule, RuleDoc, RuleName } from './rules/index';
export { CellMap, LineIndex, lspPositionAt, type CellPosition, type CellSpan, type CliPosition } from './positions';
export { cellsProgram, notebookWithProgram, readNotebook, type Notebook, type NotebookWrite } from './notebook';
export type { PythonParser, ParsedTree, TreeEdit, ParseOptions } from './syntax/tree';
export { formatShape } from './shapes';
export { summaryRows, type SummaryRow } from './summary-blocks';
export { ConversionCache } from './syntax/convert';
export { DocumentTree } from './syntax/pieces';
export { SharedModules } from './interp/shared-modules';
export { AnalysisCache, moveLayer, moveModel, moveTensor, type Origin } from './incremental';
export { DEFAULT_BUDGETS } from './budget';
export { changedRegion, type ChangedRegion } from './text-region';

export interface EngineResult extends AnalysisResult {
  /** Set when analysis failed internally; diagnostics found before the failure are kept. */
  internalError?: string;
}

/** Share of the time budget parsing may use before only a prefix of the file is parsed. */
const PARSE_SHARE = 0.15;

/** The language server keeps both caches per document (see incremental.ts). */
type TreeOptions = AnalyzeOptions & { conversionCache?: ConversionCache; analysisCache?: AnalysisCache };

/** Analyses an already parsed tree of `text` (the language server keeps trees for re-parsing). */
export function analyzeTree(tree: ParsedTree, text: string, options: TreeOptions = {}): EngineResult {
  return analyzeWithin(new Meter(options), tree, text, options);
}

/** Parses and analyses `text` in one go; the time budget covers the parse. */
export function analyzeText(parser: PythonParser, text: string, options: AnalyzeOptions = {}): EngineResult {
  const meter = new Meter(options);
  let tree: ParsedTree;
  try {
    tree = parser.parse(text, undefined, options.clock ? { shouldStop: () => meter.pastShare(PARSE_SHARE) } : undefined);
  } catch (e) {
    return { ...emptyResult(), internalError: describe(e) };
  }
  try {
    return analyzeWithin(meter, tree, text, options);
  } finally {
    tree.dispose();
  }
}

function analyzeWithin(meter: Meter, tree: ParsedTree, text: string, options: TreeOptions): EngineResult {
  let module: Module;
  try {
    module = convertModule(tree.rootNode, meter, options.conversionCache, tree.cutAt === undefined ? text : undefined, tree);
  } catch (e) {
    return { ...emptyResult(), internalError: describe(e) };
  }
  const base: AnalysisResult = {
    ...emptyResult(),
    comments: module.comments,
    syntaxErrors: tree.cutAt === undefined ? module.syntaxErrors : module.syntaxErrors.filter((p) => p.range.end < lastStatementStart(tree)),
  };
  try {
    const candidates = options.analysisCache ? options.analysisCache.candidates(text, options.kerasVersions) : candidateVersions(text, options.kerasVersions);
    const groups = versionGroups(candidates);
    // The first reading shares the parse's meter; each further Keras reading gets a budget of its own.
    let readings = 0;
    const incremental = options.analysisCache && tree.cutAt === undefined ? interpretIncrementally(module, text, withoutCaches(options), groups, options.analysisCache) : null;
    // Cancelled: what the blocks left is discarded anyway; no whole run.
    if (!incremental && options.cancelled?.()) return { ...base, truncated: true };
    const r = incremental ?? analyseAcrossVersions(
      groups,
      (kerasProbe) => interpretModule(module, text, { ...withoutCaches(options), kerasProbe }, readings++ === 0 ? meter : new Meter(options)),
      options.kerasVersionSource,
    );
    const result: AnalysisResult = { ...base, diagnostics: r.diagnostics, models: r.models, tensors: r.tensors, truncated: r.truncated };
    if (r.imports) result.imports = r.imports;
    if (r.elsewhere) result.elsewhere = r.elsewhere;
    if (tree.cutAt !== undefined && !r.truncated) {
      // The parse itself ran out of time: the rest of the file was never read.
      result.diagnostics.push(budgetDiagnostic('time', tree.cutAt, text, meter.limits));
      result.truncated = true;
    }
    return result;
  } catch (e) {
    if (e instanceof BudgetExceeded) return { ...base, truncated: true, diagnostics: [budgetDiagnostic(e.budget, 0, text, meter.limits)] };
    return { ...base, internalError: describe(e) };
  }
}

/** The options as the interpreter sees them (the caches are this module's business). */
function withoutCaches(options: TreeOptions): AnalyzeOptions {
  const { conversionCache: _c, analysisCache: _a, ...rest } = options;
  return rest;
}

/**
 * Where the last top-level statement of a tree cut short starts: a syntax error from there on
 * may come from the cut, not the file.
 */
function lastStatementStart(tree: ParsedTree): number {
  const root = tree.rootNode;
  const last = root.childCount > 0 ? root.child(root.childCount - 1) : null;
  return last ? last.startIndex : 0;
}

function emptyResult(): AnalysisResult {
  return { diagnostics: [], models: [], tensors: [], syntaxErrors: [], comments: [], truncated: false };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
}
