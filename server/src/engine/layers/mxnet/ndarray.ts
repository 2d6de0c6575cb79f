/**
 * NDArray factories (`mx.nd.zeros`, `mx.nd.random.uniform`, …) and `mxnet.NDArray` methods.
 * Methods receive the array as their first parameter, `self`.
 */
import type { Dim } from '../../types';
import { isKnown, product, ranked } from '../../shapes';
import type { ArgValue, BoundArgs, LayerDef, LayerOutcome, ParamSpec } from '../types';
import { isTensor, tensor } from '../types';
import { checkOpMsg, intArg, mkIssue, mxShape, shapeArg } from './mxcore';
import { inferReshape } from './reshape';
import { expandDims, nestedDims, squeezeDims, swapDims, transposeDims } from '../numpy/dims';
import { mx, ND } from './ops';

/** `shape` as an int, a tuple, or (for `*shape` params) the collected positional ints. */
function dimsFrom(v: ArgValue | undefined): Dim[] | null {
  if (Array.isArray(v) && v.length === 1 && Array.isArray(v[0])) return shapeArg(v[0]);
  return shapeArg(v);
}

function factory(names: string[], params: ParamSpec[], shapeParam: string, missing: Dim[] | null): LayerDef {
  return {
    framework: 'gluon',
    names,
    params,
    kind: 'op',
    apply(args: BoundArgs): LayerOutcome {
      const raw = args.get(shapeParam);
      const tensorParam = params.some((p) => isTensor(args.get(p.name)));
      if (tensorParam) return { output: mx(null) };
      const dims = raw === null || raw === undefined || (Array.isArray(raw) && raw.length === 0 && missing) ? missing : dimsFrom(raw);
      return { output: mx(dims ? ranked(dims) : null) };
    },
  };
}

const FACTORIES: LayerDef[] = [
  factory([ND + 'zeros', ND + 'ones', ND + 'empty'], [{ name: 'shape' }, { name: 'ctx', default: null }, { name: 'dtype', default: null }], 'shape', null),
  factory([ND + 'full'], [{ name: 'shape' }, { name: 'val' }, { name: 'ctx', default: null }, { name: 'dtype', default: null }], 'shape', null),
  // Without `shape` these samplers return one value, shape (1,).
  factory([ND + 'random.uniform', ND + 'random_uniform'], [{ name: 'low', default: 0 }, { name: 'high', default: 1 }, { name: 'shape', default: null }, { name: 'dtype', default: null }, { name: 'ctx', default: null }], 'shape', [1]),
  factory([ND + 'random.normal', ND + 'random_normal'], [{ name: 'loc', default: 0 }, { name: 'scale', default: 1 }, { name: 'shape', default: null }, { name: 'dtype', default: null }, { name: 'ctx', default: null }], 'shape', [1]),
  factory([ND + 'random.randint'], [{ name: 'low' }, { name: 'high' }, { name: 'shape', default: null }, { name: 'dtype', default: null }, { name: 'ctx', default: null }], 'shape', [1]),
  factory([ND + 'random.randn'], [{ name: 'shape', variadic: true }, { name: 'loc', default: 0 }, { name: 'scale', default: 1 }, { name: 'dtype', default: null }, { name: 'ctx', default: null }], 'shape', [1]),
  {
    framework: 'gluon',
    names: [ND + 'array'],
    params: [{ name: 'source_array' }, { name: 'ctx', default: null }, { name: 'dtype', default: null }],
    kind: 'op',
    apply(args: BoundArgs): LayerOutcome {
      const d = nestedDims(args.get('source_array'));
      return { output: mx(d ? ranked(d) : null) };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Methods

const M = 'mxnet.NDArray.';

function selfDims(args: BoundArgs): Dim[] | null {
  const s = args.get('self');
  return isTensor(s) && s.shape && !s.shape.open ? s.shape.dims : null;
}

function method(name: string, params: ParamSpec[], f: (d: Dim[], args: BoundArgs) => LayerOutcome | Dim[] | null): LayerDef {
  return {
    framework: 'gluon',
    names: [M + name],
    params: [{ name: 'self' }, ...params],
    kind: 'op',
    apply(args: BoundArgs): LayerOutcome {
      const d = selfDims(args);
      if (!d) return { output: name === 'asnumpy' ? tensor(null, 'numpy') : mx(null) };
      const r = f(d, args);
      if (r === null) return { output: mx(null) };
      return Array.isArray(r) ? { output: mx(ranked(r)) } : r;
    },
  };
}

/**
 * `NDArray.reshape` computes the target with the special values, then `NDArray::Reshape` only
 * requires the target not to be larger (a smaller one is a view; it fails only under autograd).
 */
function ndReshape(d: Dim[], args: BoundArgs): LayerOutcome | Dim[] | null {
  const kw = args.get('shape');
  const spec = kw !== null && kw !== undefined ? shapeArg(kw) : dimsFrom(args.get('args'));
  if (!spec || spec.some((v) => !isKnown(v))) return null;
  const r = inferReshape(spec as number[], d, args.get('reverse') === true);
  if (!r) return null;
  if ('dims' in r) return r.dims;
  const [t, s] = [product(r.sizeMismatch.target), product(r.sizeMismatch.source)];
  if (t === null || s === null) return null;
  if (t < s) return r.sizeMismatch.target;
  const msg = checkOpMsg('shape_.Size()', '>=', 'shape.Size()', s, t, 'NDArray.Reshape: target shape size is larger current shape');
  return { output: mx(null), issue: mkIssue('reshape-mismatch', msg, [`reshape to ${mxShape(r.sizeMismatch.target)} needs ${t} elements; the array ${mxShape(d)} has ${s}.`]) };
}

const METHODS: LayerDef[] = [
  method('reshape', [{ name: 'args', variadic: true }, { name: 'shape', default: null }, { name: 'reverse', default: false }], ndReshape),
  method('transpose', [{ name: 'axes', variadic: true }], (d, a) => {
    const ax = a.get('axes');
    const axes = Array.isArray(ax) && ax.length === 1 && (Array.isArray(ax[0]) || ax[0] === null) ? ax[0] : ax;
    return transposeDims(d, axes);
  }),
  method('expand_dims', [{ name: 'axis' }], (d, a) => {
    const axis = intArg(a.get('axis'));
    return axis === null ? null : expandDims(d, axis);
  }),
  method('flatten', [], (d) => (d.length ? [d[0], product(d.slice(1))] : null)),
  method('swapaxes', [{ name: 'dim1' }, { name: 'dim2' }], (d, a) => {
    const [x, y] = [intArg(a.get('dim1')), intArg(a.get('dim2'))];
    return x === null || y === null ? null : swapDims(d, x, y);
  }),
  method('squeeze', [{ name: 'axis', default: null }], (d, a) => squeezeDims(d, a.get('axis'))),
  method('asnumpy', [], (d) => ({ output: tensor(ranked(d), 'numpy') })),
  method('astype', [{ name: 'dtype' }, { name: 'copy', default: true }], (d) => d),
  method('copy', [], (d) => d),
  method('as_in_context', [{ name: 'context' }], (d) => d),
  method('copyto', [{ name: 'other' }], (d) => d),
];

export const ndarrayLayers: LayerDef[] = [...FACTORIES, ...METHODS];
