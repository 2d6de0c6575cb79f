/** Inlay hints: the output shape at the end of each line that applies a layer. */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { Analysis } from './analysis';
import { inlayLabel } from './markdown';

export function inlayHints(analysis: Analysis, range: Range): InlayHint[] {
  if (!analysis.lint || !analysis.settings.inlayHints.enabled) return [];
  // Several layers may end on one line (`x = pool(conv(x))`): show them in call order.
  const labelsByLine = new Map<number, string[]>();
  for (const model of analysis.lint.engine.models) {
    if (model.library) continue; // its layers are the stub's, placed at the user's call
    model.layers.forEach((layer, i) => {
      if (layer.file !== undefined) return; // applied in another file
      // A backbone's layers sit at the call that built it: one label there, what it returned.
      const backbone = layer.block === undefined ? undefined : model.backbones?.find((b) => b.block === layer.block);
      if (backbone && model.layers[i - 1]?.block === layer.block) return;
      const shape = backbone ? backbone.outputShape : layer.outputShape;
      const line = analysis.lines.lineOf(layer.appliedAt.end);
      // An unknown shape (after an error, or with no input) is noise, not information.
      if (line < range.start.line || line > range.end.line || !shape) return;
      const labels = labelsByLine.get(line) ?? [];
      const label = inlayLabel(shape);
      if (labels[labels.length - 1] !== label) labels.push(label);
      labelsByLine.set(line, labels);
    });
  }
  // Tensor assignments in forward/call bodies (`x = x.view(x.size(0), -1)`) get their shape too,
  // where no layer already labels the line.
  const layerLines = new Set(labelsByLine.keys());
  for (const fact of analysis.lint.engine.tensors) {
    const line = analysis.lines.lineOf(fact.range.end);
    if (fact.use || line < range.start.line || line > range.end.line || layerLines.has(line) || fact.shape.open) continue;
    const labels = labelsByLine.get(line) ?? [];
    const label = inlayLabel(fact.shape);
    if (!labels.includes(label)) labels.push(label);
    labelsByLine.set(line, labels);
  }
  return [...labelsByLine.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([line, labels]) => ({
      position: analysis.lines.toLsp(analysis.lines.lineEnd(line)),
      label: labels.join(' '),
      kind: InlayHintKind.Type,
      paddingLeft: true,
    }));
}
