/** The torch catalogue: every LayerDef this framework contributes. */
import type { LayerDef } from '../types';
import { attentionLayers } from './attention';
import { convLayers } from './conv';
import { coreLayers } from './core';
import { einsumLayers } from './einsum';
import { factoryLayers } from './factories';
import { foldLayers } from './fold';
import { functionLayers } from './functions';
import { miscLayers } from './misc';
import { normLayers } from './norm';
import { poolLayers } from './pool';
import { rnnLayers } from './rnn';
import { splitLayers } from './split';

export const torchLayers: LayerDef[] = [
  ...convLayers,
  ...poolLayers,
  ...coreLayers,
  ...normLayers,
  ...miscLayers,
  ...rnnLayers,
  ...attentionLayers,
  ...foldLayers,
  ...splitLayers,
  ...einsumLayers,
  ...functionLayers,
  ...factoryLayers,
];
