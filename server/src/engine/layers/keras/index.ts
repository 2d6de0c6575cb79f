/** The keras catalogue: every LayerDef this framework contributes. */
import type { LayerDef } from '../types';

export const kerasLayers: LayerDef[] = [];
