/** Test helpers for the MXNet/Gluon/NumPy catalogues: bind arguments like the interpreter does. */
import assert from 'node:assert/strict';
import { findLayer } from '../../server/src/engine/layers/index';
import type { ArgValue, BoundArgs, LayerDef, LayerEnv, LayerOutcome, TensorLib, TensorValue } from '../../server/src/engine/layers/types';
import { isTensor, tensor } from '../../server/src/engine/layers/types';
import type { Dim } from '../../server/src/engine/types';
import { ranked } from '../../server/src/engine/shapes';

export function def(name: string): LayerDef {
  const d = findLayer(name);
  assert.ok(d, `no LayerDef registered for ${name}`);
  return d;
}

/** Binds positional and keyword arguments to `params` (defaults, variadic) like the interpreter. */
export function bind(d: LayerDef, pos: ArgValue[] = [], kw: Record<string, ArgValue> = {}): BoundArgs {
  const values = new Map<string, ArgValue>();
  const explicit = new Set<string>();
  let i = 0;
  for (const p of d.params) {
    if (p.variadic) {
      values.set(p.name, pos.slice(i));
      if (pos.length > i) explicit.add(p.name);
      i = pos.length;
    } else if (i < pos.length) {
      values.set(p.name, pos[i++]);
      explicit.add(p.name);
    }
  }
  assert.ok(i >= pos.length, `too many positional args for ${d.names[0]}`);
  const extra: string[] = [];
  for (const [k, v] of Object.entries(kw)) {
    if (!d.params.some((p) => p.name === k)) extra.push(k);
    values.set(k, v);
    explicit.add(k);
  }
  return {
    get(name: string) {
      if (values.has(name)) return values.get(name);
      return d.params.find((p) => p.name === name)?.default;
    },
    explicit: (name: string) => explicit.has(name),
    extraKeywords: extra,
  };
}

export function env(layerName = 'layer0', hybridized = false): LayerEnv {
  return { kerasDataFormat: 'channels_last', kerasDataFormatSource: 'default', layerName, hybridized };
}

export function t(dims: Dim[], lib: TensorLib = 'mxnet'): TensorValue {
  return tensor(ranked(dims), lib);
}

/** Constructs a layer and applies it to `x` (state threaded through when given). */
export function applyLayer(
  name: string,
  pos: ArgValue[],
  kw: Record<string, ArgValue>,
  x: TensorValue | TensorValue[],
  e: LayerEnv = env(),
  state?: Record<string, Dim>,
): LayerOutcome {
  const d = def(name);
  assert.equal(d.kind, 'layer');
  const args = bind(d, pos, kw);
  const inputs: ArgValue[] = Array.isArray(x) ? x : [x];
  return d.apply(args, inputs, e, state);
}

/** Calls an op def: positional args bound to params, tensor args passed as inputs too. */
export function callOp(name: string, pos: ArgValue[], kw: Record<string, ArgValue> = {}, e: LayerEnv = env()): LayerOutcome {
  const d = def(name);
  assert.equal(d.kind, 'op');
  const args = bind(d, pos, kw);
  const inputs = [...pos, ...Object.values(kw)].flatMap((v) => (Array.isArray(v) ? v.filter(isTensor) : isTensor(v) ? [v] : []));
  return d.apply(args, inputs, e, undefined);
}

/** The output's dims, asserting it is a tensor with a closed shape. */
export function dimsOf(out: LayerOutcome | ArgValue): Dim[] | null {
  const v = (typeof out === 'object' && out !== null && 'output' in (out as object) ? (out as LayerOutcome).output : out) as ArgValue;
  assert.ok(isTensor(v), 'output is not a tensor');
  return v.shape ? v.shape.dims : null;
}
