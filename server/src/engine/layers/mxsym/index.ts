/** The mxsym catalogue: MXNet operators under `mxnet.ndarray.*` and `mxnet.symbol.*`, NDArray factories and methods. */
import type { LayerDef } from '../types';
import { ndarrayLayers } from './ndarray';
import { opLayers } from './ops';

export const mxsymLayers: LayerDef[] = [...opLayers, ...ndarrayLayers];
