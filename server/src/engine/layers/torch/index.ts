/** The torch catalogue: every LayerDef this framework contributes. */
import type { LayerDef } from '../types';

export const torchLayers: LayerDef[] = [];
