/** The keras catalogue: every LayerDef this framework contributes (Keras 3.15 semantics). */
import type { LayerDef } from '../types';
import { convLayers } from './conv';
import { coreLayers } from './core';
import { factoryOps } from './factories';
import { mergeLayers } from './merge';
import { poolingLayers } from './pooling';
import { reshapingLayers } from './reshaping';
import { rnnLayers } from './rnn';

export { kerasInputShape } from './core';
export { asLayerObject, type LayerObjectValue } from './rnn';

export const kerasLayers: LayerDef[] = [
  ...convLayers,
  ...poolingLayers,
  ...coreLayers,
  ...reshapingLayers,
  ...rnnLayers,
  ...mergeLayers,
  ...factoryOps,
];
