/**
 * Custom requests. `shapelint/modelSummary` backs the VS Code command "Show Model Summary",
 * `shapelint/modelGraph` the command "Show Model" (the layer graph as SVG, server/src/diagram);
 * `shapelint/syntaxTree` exists for tests, to compare the incrementally maintained tree with
 * a fresh parse.
 */
import { RequestType, type Position, type TextDocumentIdentifier } from 'vscode-languageserver';
import { modelGraph } from '../diagram/graph';
import { toSvg } from '../diagram/svg';
import type { ModelSummary } from '../engine/index';
import type { SyntaxNode } from '../engine/syntax/tree';
import type { Analysis } from './analysis';
import { modelSummaryMarkdown } from './markdown';

export interface ModelSummaryParams {
  textDocument: TextDocumentIdentifier;
  position?: Position;
  /** The model with this name, when the file still has one (a diagram keeps following its model). */
  name?: string;
}

export interface ModelSummaryResult {
  name: string;
  framework: string;
  markdown: string;
}

export const ModelSummaryRequest = new RequestType<ModelSummaryParams, ModelSummaryResult | null, void>('shapelint/modelSummary');

export interface ModelGraphResult {
  name: string;
  framework: string;
  /** A standalone SVG whose nodes carry `data-line` (0-based) for jumping to the layer. */
  svg: string;
}

export const ModelGraphRequest = new RequestType<ModelSummaryParams, ModelGraphResult | null, void>('shapelint/modelGraph');

export interface SyntaxTreeParams {
  textDocument: TextDocumentIdentifier;
}

export const SyntaxTreeRequest = new RequestType<SyntaxTreeParams, { version: number; tree: string } | null, void>(
  'shapelint/syntaxTree',
);

/**
 * The model asked for: the one named `name` if there is one, else the one whose definition or
 * a layer of which contains the cursor, else the first.
 */
export function modelAround(analysis: Analysis, position: Position | undefined, name?: string): ModelSummary | null {
  const models = analysis.lint?.engine.models ?? [];
  if (models.length === 0) return null;
  const named = name === undefined ? undefined : models.find((m) => m.name === name);
  if (named) return named;
  const offset = position ? analysis.lines.fromLsp(position) : -1;
  const inRange = (r: { start: number; end: number }) => r.start <= offset && offset <= r.end;
  // A layer written in another module has offsets into that module's text, not this one.
  const around = (m: ModelSummary) => inRange(m.range) || m.layers.some((l) => l.file === undefined && (inRange(l.appliedAt) || inRange(l.definedAt)));
  return models.find(around) ?? models[0];
}

export function summaryResult(model: ModelSummary): ModelSummaryResult {
  return { name: model.name, framework: model.framework, markdown: modelSummaryMarkdown(model) };
}

export function graphResult(analysis: Analysis, model: ModelSummary): ModelGraphResult {
  const graph = modelGraph(model, analysis.text, analysis.lint?.diagnostics ?? []);
  return { name: model.name, framework: model.framework, svg: toSvg(graph) };
}

/** An S-expression with byte ranges: equal strings mean equal trees. */
export function treeFingerprint(node: SyntaxNode): string {
  const parts: string[] = [];
  const walk = (n: SyntaxNode) => {
    parts.push(`(${n.type}${n.isMissing ? '!' : ''} ${n.startIndex} ${n.endIndex}`);
    for (let i = 0; i < n.childCount; i++) walk(n.child(i)!);
    parts.push(')');
  };
  walk(node);
  return parts.join('');
}
