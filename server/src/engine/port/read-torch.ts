/** Reads Torch layers into port ops. */
import { stub, type LayerView, type ReadResult } from './read';

export function readTorchLayer(v: LayerView): ReadResult {
  return [stub(`${v.app.type} is not in the port catalogue`)];
}
