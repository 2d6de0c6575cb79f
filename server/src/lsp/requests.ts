/**
 * Custom requests. `shapelint/modelSummary` backs the VS Code command "Show Model Summary";
 * `shapelint/syntaxTree` exists for tests, to compare the incrementally maintained tree with
 * a fresh parse.
 */
import { RequestType, type Position, type TextDocumentIdentifier } from 'vscode-languageserver';
import type { ModelSummary } from '../engine/index';
import type { SyntaxNode } from '../engine/syntax/tree';
import type { Analysis } from './analysis';
import { modelSummaryMarkdown } from './markdown';

export interface ModelSummaryParams {
  textDocument: TextDocumentIdentifier;
  position?: Position;
}

export interface ModelSummaryResult {
  name: string;
  framework: string;
  markdown: string;
}

export const ModelSummaryRequest = new RequestType<ModelSummaryParams, ModelSummaryResult | null, void>('shapelint/modelSummary');

export interface SyntaxTreeParams {
  textDocument: TextDocumentIdentifier;
}

export const SyntaxTreeRequest = new RequestType<SyntaxTreeParams, { version: number; tree: string } | null, void>(
  'shapelint/syntaxTree',
);

/** The model around the cursor: the one whose definition or a layer of which contains it, else the first. */
export function modelSummary(analysis: Analysis, position: Position | undefined): ModelSummaryResult | null {
  const models = analysis.lint?.engine.models ?? [];
  if (models.length === 0) return null;
  const offset = position ? analysis.lines.fromLsp(position) : -1;
  const inRange = (r: { start: number; end: number }) => r.start <= offset && offset <= r.end;
  const around = (m: ModelSummary) => inRange(m.range) || m.layers.some((l) => l.file === undefined && (inRange(l.appliedAt) || inRange(l.definedAt)));
  const model = models.find(around) ?? models[0];
  return { name: model.name, framework: model.framework, markdown: modelSummaryMarkdown(model) };
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
