/**
 * A `torch.nn` module the catalogue does not know. It must not cut the model: it becomes a
 * layer whose output is unknown and whose parameter count is unknown (so the model total is
 * unknown, never a wrong number). Loss modules have no parameters. Names that are not layers
 * (the Module base, parameter holders, data-parallel wrappers) stay unknown values.
 */
import { tensor, type LayerDef } from '../types';

const NOT_LAYERS = new Set([
  'Module', 'Container', 'Parameter', 'UninitializedParameter', 'UninitializedBuffer', 'Buffer', 'ParameterList', 'ParameterDict',
  'DataParallel', 'RNNBase', 'RNNCellBase', 'Sequential', 'ModuleList', 'ModuleDict',
]);

const cache = new Map<string, LayerDef>();

/** The stand-in def for `torch.nn.<Name>`, or undefined when the name is not a module class. */
export function unknownTorchModule(qualifiedName: string): LayerDef | undefined {
  const m = /^torch\.nn\.([A-Z][A-Za-z0-9_]*)$/.exec(qualifiedName);
  if (!m || NOT_LAYERS.has(m[1])) return undefined;
  let def = cache.get(m[1]);
  if (!def) {
    const loss = /Loss(?:2d)?$/.test(m[1]) && m[1] !== 'AdaptiveLogSoftmaxWithLoss';
    def = {
      framework: 'torch',
      names: [qualifiedName],
      params: [{ name: 'args', variadic: true }],
      kind: 'layer',
      apply: () => ({ output: tensor(null, 'torch'), params: loss ? 0 : null }),
    };
    cache.set(m[1], def);
  }
  return def;
}
