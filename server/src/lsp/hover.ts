/**
 * Hover: the shapes the engine inferred for the layer or tensor under the cursor, or the
 * rule's documentation on a `# noqa: SLxxx` code.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { findRule, ruleUrl, type BackboneSummary, type LayerApplication, type ModelSummary, type TextRange } from '../engine/index';
import type { Analysis } from './analysis';
import { toRange } from './convert';
import { backboneMarkdown, errorMarkdown, layerMarkdown, modelSummaryMarkdown, ruleMarkdown, tensorMarkdown } from './markdown';

export function hover(analysis: Analysis, position: Position): Hover | null {
  const lint = analysis.lint;
  if (!lint) return null;
  const offset = analysis.lines.fromLsp(position);
  const rule = ruleHover(analysis, offset);
  if (rule) return rule;
  const facts = layerHover(analysis, offset) ?? libraryModelHover(analysis, offset) ?? tensorHover(analysis, offset);
  const error = errorHover(analysis, offset);
  if (!error) return facts;
  // The error first, then the layer's own facts below a rule.
  const value = facts ? `${error.value}\n\n---\n\n${(facts.contents as { value: string }).value}` : error.value;
  return { contents: { kind: MarkupKind.Markdown, value }, range: facts?.range ?? toRange(analysis.lines, error.range) };
}

/** The shape error (not a suppression or budget note) whose range holds the offset, narrowest first. */
function errorHover(analysis: Analysis, offset: number): { value: string; range: TextRange } | null {
  const hits = analysis.lint!.diagnostics.filter((d) => d.code !== 'SL100' && d.code !== 'SL101' && contains(d.range, offset));
  if (hits.length === 0) return null;
  const d = hits.reduce((a, b) => (width(b.range) < width(a.range) ? b : a));
  return { value: errorMarkdown(d), range: d.range };
}

function markdown(value: string, analysis: Analysis, range: TextRange): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range: toRange(analysis.lines, range) };
}

const CODE = /[A-Za-z]+[0-9]+/g;

function ruleHover(analysis: Analysis, offset: number): Hover | null {
  const comment = analysis.lint!.engine.comments.find((c) => contains(c.range, offset));
  if (!comment || !/noqa/i.test(comment.text)) return null;
  for (const m of comment.text.matchAll(CODE)) {
    const range = { start: comment.range.start + m.index!, end: comment.range.start + m.index! + m[0].length };
    const rule = contains(range, offset) ? findRule(m[0]) : undefined;
    if (rule) return markdown(ruleMarkdown(rule, ruleUrl(rule)), analysis, range);
  }
  return null;
}

function layerHover(analysis: Analysis, offset: number): Hover | null {
  let best: { layer: LayerApplication; range: TextRange } | null = null;
  for (const model of analysis.lint!.engine.models) {
    if (model.library) continue; // its layers all sit at the call that built it: the model's hover shows them
    for (const layer of model.layers) {
      if (layer.file !== undefined) continue; // applied in another file
      if (backboneOf(model, layer)) continue; // likewise a backbone's: its block is shown
      for (const range of [layer.appliedAt, layer.definedAt]) {
        if (contains(range, offset) && (!best || width(range) < width(best.range))) best = { layer, range };
      }
    }
  }
  return best ? markdown(layerMarkdown(best.layer), analysis, best.range) : null;
}

/**
 * A model built by a library stub (`torchvision.models.resnet18()`): its summary collapsed by
 * block, on the call that built it or on a use of the variable holding it.
 */
function libraryModelHover(analysis: Analysis, offset: number): Hover | null {
  const word = wordAt(analysis.text, offset);
  for (const model of analysis.lint!.engine.models) {
    // A backbone's layers sit at the call that built it: there, its block row and the user's model.
    const layer = model.layers.find((l) => l.file === undefined && backboneOf(model, l) && contains(l.appliedAt, offset));
    if (layer) return markdown(backboneMarkdown(model, backboneOf(model, layer)!), analysis, layer.appliedAt);
    if (!model.library) continue;
    if (contains(model.range, offset)) return markdown(modelSummaryMarkdown(model), analysis, model.range);
    if (word && word.text === model.name) return markdown(modelSummaryMarkdown(model), analysis, word.range);
  }
  return null;
}

function backboneOf(model: ModelSummary, layer: LayerApplication): BackboneSummary | undefined {
  return layer.block === undefined ? undefined : model.backbones?.find((b) => b.block === layer.block);
}

/** The Python identifier under the cursor, if any. */
function wordAt(text: string, offset: number): { text: string; range: TextRange } | null {
  let start = offset;
  let end = offset;
  while (start > 0 && /\w/.test(text[start - 1])) start--;
  while (end < text.length && /\w/.test(text[end])) end++;
  return end > start ? { text: text.slice(start, end), range: { start, end } } : null;
}

function tensorHover(analysis: Analysis, offset: number): Hover | null {
  const facts = analysis.lint!.engine.tensors.filter((t) => contains(t.range, offset));
  if (facts.length === 0) return null;
  const fact = facts.reduce((a, b) => (width(b.range) < width(a.range) ? b : a));
  return markdown(tensorMarkdown(fact), analysis, fact.range);
}

/** Inclusive end, so a cursor just after a name (where editors often put it) still hovers it. */
function contains(r: TextRange, offset: number): boolean {
  return r.start <= offset && offset <= r.end;
}

function width(r: TextRange): number {
  return r.end - r.start;
}
