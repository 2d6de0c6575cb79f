/** The gluon catalogue: the Gluon blocks (`mxnet.gluon.nn.*`, `mxnet.gluon.rnn.*`, `mxnet.gluon.contrib.nn.*`). */
import type { LayerDef } from '../types';
import { basicLayers } from './basic';
import { convLayers } from './conv';
import { poolLayers } from './pool';
import { rnnLayers } from './rnn';
import { cellLayers, contribLayers } from './contrib';
import { convCellLayers } from './conv-cells';

export const gluonLayers: LayerDef[] = [...convLayers, ...poolLayers, ...basicLayers, ...rnnLayers, ...cellLayers, ...contribLayers, ...convCellLayers];
