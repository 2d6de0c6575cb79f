/** The keras catalogue: every LayerDef this framework contributes (Keras 3.15 semantics). */
import type { LayerDef } from '../types';
import { convLayers } from './conv';
import { coreLayers } from './core';
import { factoryOps } from './factories';
import { mergeLayers } from './merge';
import { poolingLayers } from './pooling';
import { reshapingLayers } from './reshaping';
import { rnnLayers } from './rnn';
import { withVersions } from './versions';

export { kerasInputShape } from './core';
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
].map(withVersions).concat(factoryOps);
