/** The MXNet operator catalogue, shared by Gluon's `F` and the symbol API: MXNet operators under `mxnet.ndarray.*` and `mxnet.symbol.*`, NDArray factories and methods. */
import type { LayerDef } from '../types';
import { ndarrayLayers } from './ndarray';
import { opLayers } from './ops';

export const mxnetLayers: LayerDef[] = [...opLayers, ...ndarrayLayers];
