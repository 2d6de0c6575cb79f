/** Small helpers shared by the model layer's modules. */
import type { LayerDef, TensorLib } from '../../layers/types';
import { ranked } from '../../shapes';
import type { Dim, Framework, Shape } from '../../types';
import { BudgetExceeded } from '../../budget';
import { frameworkOf } from '../names';
import { joinLineage, type Lineage, type ModelFamily, type ObjectValue, type TensorVal, type Value } from '../values';

export function containerFamily(c: NonNullable<ObjectValue['container']>): ModelFamily {
  if (c.startsWith('torch.')) return 'torch.Module';
  if (c.startsWith('keras.')) return 'keras.Model';
  return c === 'gluon.HybridSequential' ? 'gluon.HybridBlock' : 'gluon.Block';
}

export function frameworkOfFamily(f: ModelFamily | null): Framework | null {
  if (!f) return null;
  if (f.startsWith('torch')) return 'torch';
  if (f.startsWith('keras')) return 'keras';
  return 'gluon';
}

export function frameworkOfContainer(c: NonNullable<ObjectValue['container']>): Framework {
  return frameworkOf(c.startsWith('gluon') ? 'mxnet.' : c.startsWith('keras') ? 'keras.' : 'torch.') === 'gluon'
    ? 'gluon'
    : c.startsWith('keras')
      ? 'keras'
      : 'torch';
}

export function libOf(f: Framework): TensorLib {
  return f === 'torch' ? 'torch' : f === 'keras' ? 'keras' : 'mxnet';
}

export function tensorsIn(v: Value): TensorVal[] {
  if (v.t === 'tensor') return [v];
  if (v.t === 'tuple' || v.t === 'list') return v.items.flatMap(tensorsIn);
  // Keras models take and return dicts of named tensors (`outputs={"priority": p, ...}`).
  if (v.t === 'dict') return v.entries.flatMap(([, x]) => tensorsIn(x));
  return [];
}

/** True when a model's input tells something of its shape (not absent, not of unknown rank). */
export function showsShape(input: TensorVal | null): boolean {
  return !!input?.shape && !(input.shape.open && input.shape.dims.length === 0);
}

export function mergeHist(ts: TensorVal[]): Lineage | null {
  return joinLineage(ts.map((t) => t.hist));
}

const classNames = new WeakMap<LayerDef, string>();

/** A def's class or function name (`Conv2d` of `torch.nn.Conv2d`), once per def: every layer made and applied asks. */
export function defClassName(def: LayerDef): string {
  let name = classNames.get(def);
  if (name === undefined) classNames.set(def, (name = def.names[0].split('.').pop()!));
  return name;
}

export function pairsOf(items: Value[]): [Value, Value][] {
  return items.flatMap((p) => ((p.t === 'tuple' || p.t === 'list') && p.items.length === 2 ? [[p.items[0], p.items[1]] as [Value, Value]] : []));
}

export function safely<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    // A catalogue bug must not take the analysis down; the layer's result is unknown.
    if (e instanceof BudgetExceeded) throw e;
    return fallback;
  }
}

/** A tuple/list of ints (None → batch symbol when `noneIsBatch` and first, else unknown). */
export function shapeFromValue(v: Value, noneIsBatch: boolean): Shape | null {
  if (v.t === 'num' && Number.isInteger(v.v)) return ranked([v.v]);
  if (v.t !== 'tuple' && v.t !== 'list') return null;
  const dims: Dim[] = [];
  v.items.forEach((it, i) => {
    if (it.t === 'num' && Number.isInteger(it.v)) dims.push(it.v);
    else if (it.t === 'none' || (it.t === 'num' && it.v === -1)) dims.push(noneIsBatch && i === 0 ? 'N' : null);
    else dims.push(null);
  });
  return ranked(dims);
}

/** Methods that return their receiver (chainable) and change nothing we model. */
export const CHAINABLE = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'double', 'float', 'half', 'requires_grad_', 'share_memory']);
