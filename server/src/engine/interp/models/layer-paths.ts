/**
 * Each layer's module path in a PyTorch or Gluon model object, as the framework names its
 * parameters (`features.3` → `features.3.weight` in a `state_dict` or Gluon's `save_parameters`):
 * attribute names and container indices from the model down to the layer, joined by dots. A layer
 * registered twice keeps its first path, as both frameworks save a shared module once.
 */
import type { ObjectValue, TensorVal, Value } from '../values';

/** Layer id → its dotted path under `obj`. */
export function layerPaths(obj: ObjectValue): Map<number, string> {
  const paths = new Map<number, string>();
  const visited = new Set<number>();
  const walk = (o: ObjectValue, prefix: string) => {
    if (visited.has(o.id)) return;
    visited.add(o.id);
    const children: [string, Value][] = [...o.attrs.entries(), ...o.items.map((v, i): [string, Value] => [String(i), v])];
    for (const [name, child] of children) {
      if (child.t === 'layer' && !paths.has(child.id)) paths.set(child.id, `${prefix}${name}`);
      else if (child.t === 'object') walk(child, `${prefix}${name}.`);
    }
  };
  walk(obj, '');
  return paths;
}

/**
 * Op id → the `name=` an MXNet symbol op was given, which prefixes its saved arguments
 * (`conv1_weight`, `bn1_moving_mean`). An op without one has MXNet's automatic name, numbered
 * per process (`convolution0`): not listed.
 */
export function symbolOpNames(symbol: TensorVal): Map<number, string> {
  const names = new Map<number, string>();
  const seen = new Set<number>();
  const visit = (v: Value): void => {
    if (v.t === 'tuple' || v.t === 'list') v.items.forEach(visit);
    if (v.t !== 'tensor' || !v.sym || seen.has(v.sym.id)) return;
    seen.add(v.sym.id);
    if (v.sym.kind === 'op' && v.sym.name !== null) names.set(v.sym.id, v.sym.name);
    for (const a of [...(v.sym.args?.positional ?? []), ...(v.sym.args?.keywords.values() ?? [])]) visit(a);
  };
  visit(symbol);
  return names;
}
