/** The torch catalogue: every LayerDef this framework contributes. */
import type { LayerDef } from '../types';
import { convLayers } from './conv';
import { coreLayers } from './core';
import { factoryLayers } from './factories';
import { functionLayers } from './functions';
import { miscLayers } from './misc';
import { normLayers } from './norm';
import { poolLayers } from './pool';
import { rnnLayers } from './rnn';

export const torchLayers: LayerDef[] = [
  ...convLayers,
  ...poolLayers,
  ...coreLayers,
  ...normLayers,
  ...miscLayers,
  ...rnnLayers,
  ...functionLayers,
  ...factoryLayers,
];
