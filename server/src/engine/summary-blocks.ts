/**
 * A model summary's rows collapsed by block: each run of consecutive layers of one block (a
 * library model's `layer1`) becomes one row with the block's last output shape and summed
 * parameters; a layer with no block is its own row. A library model used as a backbone inside
 * a user's model is one such block, labelled with its library constructor and the shapes it
 * was called with and returned. Shared by `summary`, the hover and the drawings.
 */
import type { BackboneSummary, LayerApplication, ModelSummary, Shape } from './types';

export interface SummaryRow {
  name: string;
  /** The layer's class, or `block` for a block row. */
  type: string;
  outputShape: Shape | null;
  /** Parameters (shared reuses count 0); null when one is unknown. */
  params: number | null;
  /** Indices into the summary's `layers`: one for a layer row, the block's layers for a block row. */
  layers: number[];
  /** A block row (rather than one layer). */
  block: boolean;
  /** A backbone's block row: the library model it is. */
  backbone?: BackboneSummary;
}

export function summaryRows(model: ModelSummary): SummaryRow[] {
  const rows: SummaryRow[] = [];
  model.layers.forEach((l, i) => {
    const last = rows[rows.length - 1];
    if (l.block !== undefined && last?.block && last.name === l.block) {
      last.layers.push(i);
      last.outputShape = l.outputShape;
      last.params = last.params === null || layerParams(l) === null ? null : last.params + layerParams(l)!;
      return;
    }
    const block = l.block !== undefined;
    rows.push({ name: l.block ?? l.name, type: block ? 'block' : l.type, outputShape: l.outputShape, params: layerParams(l), layers: [i], block });
  });
  for (const row of rows) {
    const backbone = row.block ? model.backbones?.find((b) => b.block === row.name) : undefined;
    if (!backbone) continue;
    row.backbone = backbone;
    // What the library model returned (after its own flatten, say), not its last layer's output.
    if (backbone.outputShape) row.outputShape = backbone.outputShape;
  }
  return rows;
}

function layerParams(l: LayerApplication): number | null {
  return l.reused ? 0 : l.params;
}
