/**
 * NumPy array factories, shape functions and `numpy.ndarray` methods: enough to follow the
 * data a Gluon or Keras script builds with NumPy before it reaches a model.
 */
import type { Dim } from '../../types';
import { isKnown, product, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome, ParamSpec } from '../types';
import { asDims, asInt, isTensor, tensor, UNKNOWN } from '../types';
import { nestedDims, squeezeDims, swapDims, transposeDims } from './dims';
import { loadLayers } from './loads';

const NP = 'numpy.';

function np(dims: Dim[] | null): LayerOutcome {
  return { output: tensor(dims ? ranked(dims) : null, 'numpy') };
}

function closedDims(v: ArgValue | undefined): Dim[] | null {
  return isTensor(v) && v.shape && !v.shape.open ? v.shape.dims : null;
}

/** A `*dims` collection, or a single tuple passed where ints were expected. */
function varDims(v: ArgValue | undefined): Dim[] | null {
  if (Array.isArray(v) && v.length === 1 && Array.isArray(v[0])) return asDims(v[0]);
  return asDims(v);
}

function op(names: string[], params: ParamSpec[], f: (args: BoundArgs) => LayerOutcome): LayerDef {
  return { framework: 'gluon', names: names.map((n) => NP + n), params, kind: 'op', apply: f };
}

/** A sampler: `size=None` returns a Python scalar, not an array. */
function sized(param: string) {
  return (args: BoundArgs): LayerOutcome => {
    const size = args.get(param);
    if (size === null || size === undefined) return { output: UNKNOWN };
    return np(asDims(size));
  };
}

/** `rand(d0, d1, …)`: no arguments gives a scalar. */
function dimsArgs(args: BoundArgs): LayerOutcome {
  const d = args.get('dims');
  if (Array.isArray(d) && d.length === 0) return { output: UNKNOWN };
  return np(varDims(d));
}

// ---------------------------------------------------------------------------------------------
// reshape: one -1, total size must match (`numpy/core/src/multiarray/shape.c`)

function npShapeText(spec: number[]): string {
  const parts = spec.map((v) => (v === -1 ? 'newaxis' : String(v)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(',')})`;
}

/**
 * `reshape` of an array with dims `d` (null: rank unknown) to `spec`. When the size or an entry
 * is unknown the result still has the spec's rank and its written dims; -1 then stays unknown.
 */
export function npReshape(d: Dim[] | null, spec: Dim[] | null): LayerOutcome {
  if (!spec) return np(null);
  if (spec.some((v) => !isKnown(v))) return np(spec.map((v) => (isKnown(v) && v >= 0 ? v : null)));
  const s = spec as number[];
  if (s.filter((v) => v === -1).length > 1 || s.some((v) => v < -1)) return np(null);
  const total = d && product(d);
  const known = product(s.filter((v) => v !== -1));
  if (total === null || known === null) return np(s.includes(-1) ? s.map((v) => (v === -1 ? null : v)) : s);
  const inferred = s.includes(-1) ? (known !== 0 && total % known === 0 ? total / known : null) : known === total ? 0 : null;
  if (inferred === null) {
    const msg = `cannot reshape array of size ${total} into shape ${npShapeText(s)}`;
    return { output: tensor(null, 'numpy'), issue: { rule: 'reshape-mismatch', message: msg, explanation: [`The array has ${total} elements; shape ${npShapeText(s)} cannot hold exactly that many.`] } };
  }
  return np(s.map((v) => (v === -1 ? inferred : v)));
}

function reshapeFn(args: BoundArgs): LayerOutcome {
  return npReshape(closedDims(args.get('a')), asDims(args.get('newshape')));
}

function transposeFn(args: BoundArgs): LayerOutcome {
  const d = closedDims(args.get('a'));
  return np(d && transposeDims(d, args.get('axes')));
}

function expandFn(args: BoundArgs): LayerOutcome {
  const d = closedDims(args.get('a'));
  const axis = args.get('axis');
  if (!d) return np(null);
  const axes = typeof axis === 'number' ? [axis] : asDims(axis);
  if (!axes || axes.some((a) => !isKnown(a))) return np(null);
  // NumPy inserts all the new axes at once, positions counted in the result's rank.
  const rank = d.length + axes.length;
  const pos = (axes as number[]).map((a) => (a < 0 ? a + rank : a));
  if (pos.some((a) => a < 0 || a >= rank) || new Set(pos).size !== pos.length) return np(null);
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(pos.includes(i) ? 1 : d[k++]);
  return np(out);
}

/** `np.concatenate` and its message (NumPy ≥ 1.20). */
function concatenateFn(args: BoundArgs): LayerOutcome {
  const arrays = args.get('arrays');
  const axis = asInt(args.get('axis'));
  if (!Array.isArray(arrays) || arrays.length === 0 || axis === null) return np(null);
  const shapes = arrays.map(closedDims);
  if (shapes.some((s) => !s)) return np(null);
  const all = shapes as Dim[][];
  const rank = all[0].length;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || all.some((s) => s.length !== rank)) return np(null);
  for (let i = 1; i < all.length; i++) {
    for (let j = 0; j < rank; j++) {
      const [x, y] = [all[0][j], all[i][j]];
      if (j !== a && isKnown(x) && isKnown(y) && x !== y) {
        const msg = `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${j}, the array at index 0 has size ${x} and the array at index ${i} has size ${y}`;
        return { output: tensor(null, 'numpy'), issue: { rule: 'merge-mismatch', message: msg, explanation: [`np.concatenate joins along axis ${a}; every other axis must match.`] } };
      }
    }
  }
  const sizes = all.map((s) => s[a]);
  const out = [...all[0]];
  out[a] = sizes.every(isKnown) ? (sizes as number[]).reduce((p, q) => p + q, 0) : null;
  return np(out);
}

const FUNCTIONS: LayerDef[] = [
  op(['zeros', 'ones', 'empty'], [{ name: 'shape' }, { name: 'dtype', default: null }, { name: 'order', default: 'C' }], (a) => np(asDims(a.get('shape')))),
  op(['full'], [{ name: 'shape' }, { name: 'fill_value' }, { name: 'dtype', default: null }], (a) => np(asDims(a.get('shape')))),
  op(['zeros_like', 'ones_like', 'empty_like'], [{ name: 'a' }, { name: 'dtype', default: null }], (a) => np(closedDims(a.get('a')))),
  op(['random.rand', 'random.randn'], [{ name: 'dims', variadic: true }], dimsArgs),
  op(['random.uniform'], [{ name: 'low', default: 0 }, { name: 'high', default: 1 }, { name: 'size', default: null }], sized('size')),
  op(['random.normal'], [{ name: 'loc', default: 0 }, { name: 'scale', default: 1 }, { name: 'size', default: null }], sized('size')),
  op(['random.random', 'random.random_sample', 'random.sample'], [{ name: 'size', default: null }], sized('size')),
  op(['random.randint'], [{ name: 'low' }, { name: 'high', default: null }, { name: 'size', default: null }, { name: 'dtype', default: null }], sized('size')),
  op(['array', 'asarray'], [{ name: 'object' }, { name: 'dtype', default: null }], (a) => np(nestedDims(a.get('object')))),
  op(['expand_dims'], [{ name: 'a' }, { name: 'axis' }], expandFn),
  op(['transpose'], [{ name: 'a' }, { name: 'axes', default: null }], transposeFn),
  op(['reshape'], [{ name: 'a' }, { name: 'newshape' }, { name: 'order', default: 'C' }], reshapeFn),
  op(['squeeze'], [{ name: 'a' }, { name: 'axis', default: null }], (a) => {
    const d = closedDims(a.get('a'));
    return np(d && squeezeDims(d, a.get('axis')));
  }),
  op(['swapaxes'], [{ name: 'a' }, { name: 'axis1' }, { name: 'axis2' }], (a) => {
    const d = closedDims(a.get('a'));
    const [x, y] = [asInt(a.get('axis1')), asInt(a.get('axis2'))];
    return np(d && x !== null && y !== null ? swapDims(d, x, y) : null);
  }),
  op(['concatenate'], [{ name: 'arrays' }, { name: 'axis', default: 0 }], concatenateFn),
];

// ---------------------------------------------------------------------------------------------
// numpy.ndarray methods (receiver first, as `self`)

/** A method; `f` runs only on a receiver of known rank unless `unknownRank` says it reads none. */
function method(name: string, params: ParamSpec[], f: (d: Dim[], args: BoundArgs) => LayerOutcome | Dim[] | null, unknownRank?: (args: BoundArgs) => LayerOutcome): LayerDef {
  return {
    framework: 'gluon',
    names: [`${NP}ndarray.${name}`],
    params: [{ name: 'self' }, ...params],
    kind: 'op',
    apply(args: BoundArgs): LayerOutcome {
      const d = closedDims(args.get('self'));
      if (!d && unknownRank) return unknownRank(args);
      const r = d ? f(d, args) : null;
      if (r === null) return np(null);
      return Array.isArray(r) ? np(r) : r;
    },
  };
}

/** `*axes` given as ints, or one tuple/None. */
function unwrapVar(v: ArgValue | undefined): ArgValue | undefined {
  return Array.isArray(v) && v.length === 1 && (Array.isArray(v[0]) || v[0] === null) ? v[0] : v;
}

const METHODS: LayerDef[] = [
  method('reshape', [{ name: 'shape', variadic: true }, { name: 'order', default: 'C' }], (d, a) => npReshape(d, varDims(a.get('shape'))), (a) => npReshape(null, varDims(a.get('shape')))),
  method('transpose', [{ name: 'axes', variadic: true }], (d, a) => transposeDims(d, unwrapVar(a.get('axes')))),
  method('flatten', [{ name: 'order', default: 'C' }], (d) => [product(d)]),
  method('ravel', [{ name: 'order', default: 'C' }], (d) => [product(d)]),
  method('squeeze', [{ name: 'axis', default: null }], (d, a) => squeezeDims(d, a.get('axis'))),
  method('swapaxes', [{ name: 'axis1' }, { name: 'axis2' }], (d, a) => {
    const [x, y] = [asInt(a.get('axis1')), asInt(a.get('axis2'))];
    return x === null || y === null ? null : swapDims(d, x, y);
  }),
  method('astype', [{ name: 'dtype' }], (d) => d),
  method('copy', [], (d) => d),
  method('to_numpy', [], (d) => d),
];

export const numpyLayers: LayerDef[] = [...FUNCTIONS, ...METHODS, ...loadLayers];
