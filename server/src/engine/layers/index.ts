/** All layer catalogues, indexed by canonical qualified name. */
import { gluonLayers } from './gluon/index';
import { kerasFallbackLayer, kerasLayers } from './keras/index';
import { mxnetLayers } from './mxnet/index';
import { numpyLayers } from './numpy/numpy';
import { torchLayers } from './torch/index';
import { unknownTorchModule } from './torch/unknown';
import { unknownGluonBlock } from './gluon/unknown';
import { unknownMxnetOp } from './mxnet/unknown';
import { lossClass } from './losses/objects';
import type { LayerDef } from './types';

export const ALL_LAYERS: readonly LayerDef[] = [...torchLayers, ...kerasLayers, ...gluonLayers, ...numpyLayers, ...mxnetLayers];

const byName = new Map<string, LayerDef>();
for (const def of ALL_LAYERS) for (const n of def.names) byName.set(n, def);

/** Names `findLayer` found no def for (most names read are no layer: `torch.randn`, `np.zeros`). */
const noLayer = new Set<string>();

/** The catalogued def, else (Keras) a def that keeps an unknown layer in the model. */
export function findLayer(qualifiedName: string): LayerDef | undefined {
  const def = byName.get(qualifiedName);
  if (def !== undefined) return def;
  // The fallbacks below answer from the name alone: a name found no layer once never is one.
  if (noLayer.has(qualifiedName)) return undefined;
  const found =
    unknownTorchModule(qualifiedName) ??
    kerasFallbackLayer(qualifiedName) ??
    unknownGluonBlock(qualifiedName) ??
    unknownMxnetOp(qualifiedName) ??
    lossClass(qualifiedName);
  if (found === undefined && noLayer.size < 50_000) noLayer.add(qualifiedName);
  return found;
}
