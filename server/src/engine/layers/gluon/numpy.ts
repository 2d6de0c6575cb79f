import type { LayerDef } from "../types";
export const numpyLayers: LayerDef[] = [];
