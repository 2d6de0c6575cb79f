/** The keras catalogue: every LayerDef this framework contributes (Keras 3.15 semantics). */
import type { LayerDef } from '../types';
import { attentionLayers } from './attention';
import { cellLayers } from './cells';
import { convLayers } from './conv';
import { convRnnLayers } from './convrnn';
import { coreLayers } from './core';
import { denseLayers } from './dense';
import { factoryOps } from './factories';
import { legacyLayers } from './legacy';
import { mergeLayers } from './merge';
import { normalizationLayers } from './normalization';
import { poolingLayers } from './pooling';
import { preprocessingLayers } from './preprocessing';
import { reshapingLayers } from './reshaping';
import { rnnLayers } from './rnn';
import { withVersions } from './versions';

export { kerasInputShape } from './core';
export { kerasFallbackLayer } from './fallback';
export { asLayerObject, type LayerObjectValue } from './rnn';
export { adjustedInputRank, versionedKerasInput } from './versions';

/** Each def reads Keras 1 and Keras 2 spellings as the run's Keras version does (versions.ts). */
export const kerasLayers: LayerDef[] = [
  ...convLayers,
  ...poolingLayers,
  ...coreLayers,
  ...reshapingLayers,
  ...rnnLayers,
  ...mergeLayers,
  ...attentionLayers,
  ...normalizationLayers,
  ...preprocessingLayers,
  ...convRnnLayers,
  ...cellLayers,
  ...denseLayers,
].map(withVersions).concat(factoryOps, legacyLayers);
