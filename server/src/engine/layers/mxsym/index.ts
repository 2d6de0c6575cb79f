/** The mxsym catalogue: every LayerDef this framework contributes. */
import type { LayerDef } from '../types';

export const mxsymLayers: LayerDef[] = [];
