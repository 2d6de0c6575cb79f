/**
 * A Gluon block (`gluon.nn`, `gluon.rnn`, `gluon.contrib.nn|rnn`) the catalogue does not know.
 * It must not cut the model: it becomes a layer with an unknown output and an unknown parameter
 * count, so the model keeps its other layers and its total is unknown, never a wrong number.
 * Base classes and containers are the interpreter's business and stay out.
 */
import { tensor, type LayerDef } from '../types';

const NOT_LAYERS = new Set([
  'Block', 'HybridBlock', 'SymbolBlock', 'Sequential', 'HybridSequential', 'Concurrent', 'HybridConcurrent', 'Concatenate', 'HybridConcatenate',
  'RecurrentCell', 'HybridRecurrentCell', 'ModifierCell', 'Parameter', 'ParameterDict', 'Constant',
]);

const cache = new Map<string, LayerDef>();

/** The stand-in def for `mxnet.gluon.<nn|rnn|contrib.nn|contrib.rnn>.<Block>`, else undefined. */
export function unknownGluonBlock(qualifiedName: string): LayerDef | undefined {
  const m = /^mxnet\.gluon\.(?:nn|rnn|contrib\.nn|contrib\.rnn|contrib\.cnn)\.([A-Z][A-Za-z0-9_]*)$/.exec(qualifiedName);
  if (!m || NOT_LAYERS.has(m[1])) return undefined;
  let def = cache.get(qualifiedName);
  if (!def) {
    def = {
      framework: 'gluon',
      names: [qualifiedName],
      params: [{ name: 'args', variadic: true }],
      kind: 'layer',
      apply: () => ({ output: tensor(null, 'mxnet'), params: null }),
    };
    cache.set(qualifiedName, def);
  }
  return def;
}
