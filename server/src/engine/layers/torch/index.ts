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
import { specialLayers } from './special';
import { splitLayers } from './split';
import { tensorOpLayers } from './tensor-ops';
import { guardTupleInput } from './tuple-input';

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
  ...specialLayers,
  ...tensorOpLayers,
  ...functionLayers,
  ...factoryLayers,
].map(guardTupleInput);
