/** The gluon catalogue: Gluon blocks plus the NumPy functions and array methods. */
import type { LayerDef } from '../types';
import { basicLayers } from './basic';
import { convLayers } from './conv';
import { numpyLayers } from './numpy';
import { poolLayers } from './pool';
import { rnnLayers } from './rnn';

export const gluonLayers: LayerDef[] = [...convLayers, ...poolLayers, ...basicLayers, ...rnnLayers, ...numpyLayers];
