/**
 * Custom requests. `shapelint/modelSummary` backs the VS Code command "Show Model Summary",
 * `shapelint/modelGraph` the command "Show Model" (the layer graph as SVG, server/src/diagram);
 * `shapelint/port` the code action "Port this model to …" (the client opens the code as a new
 * document; docs/editors.md), `shapelint/syntaxTree` exists for tests, to compare the incrementally maintained tree with
 * a fresh parse.
 */
import { RequestType, type Position, type TextDocumentIdentifier } from 'vscode-languageserver';
import { modelGraph } from '../diagram/graph';
import { toSvg } from '../diagram/svg';
import type { ModelSummary } from '../engine/index';
import type { PortFramework } from '../engine/port/ir';
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

export interface PortParams {
  textDocument: TextDocumentIdentifier;
  /** The model's name in the document (as the code action names it); absent: the last model. */
  model?: string;
  /** `keras`, `gluon` or `torch`. */
  to: PortFramework;
}

export interface PortResultMessage {
  /** The generated program, checked by shapelint; absent when nothing could be generated. */
  code?: string;
  model?: string;
  from?: PortFramework;
  to: PortFramework;
  /** Why the port is incomplete (stubs, check failures) or impossible; empty for a complete, checked port. */
  problems: string[];
}

export const PortRequest = new RequestType<PortParams, PortResultMessage | null, void>('shapelint/port');

/** The code action's command, executed by the client (VS Code: the extension opens an untitled document). */
export const PORT_COMMAND = 'shapelint.portModel';

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
  return (position && modelContaining(models, analysis, position)) || models[0];
}

/** The model whose definition, or a layer of which, holds the position. */
export function modelContaining(models: ModelSummary[], analysis: Analysis, position: Position): ModelSummary | undefined {
  const offset = analysis.lines.fromLsp(position);
  const inRange = (r: { start: number; end: number }) => r.start <= offset && offset <= r.end;
  const onLine = (r: { start: number }) => analysis.lines.lineOf(r.start) === position.line;
  // A layer written in another module has offsets into that module's text, not this one.
  const around = (m: ModelSummary) => inRange(m.range) || onLine(m.range) || m.layers.some((l) => l.file === undefined && (inRange(l.appliedAt) || inRange(l.definedAt)));
  return models.find(around);
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
