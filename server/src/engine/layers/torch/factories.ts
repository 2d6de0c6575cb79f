/**
 * Tensor factories: torch.randn/rand/zeros/ones/empty/full/randint/tensor/... Sizes arrive
 * as varargs (`randn(2, 3)`), one tuple (`randn((2, 3))`) or `size=`.
 */
import type { Dim, Shape } from '../../types';
import { isTensor, TUPLE_ARGS, UNKNOWN, type ArgValue, type LayerDef, type ParamSpec } from '../types';
import { dimList, out } from './common';

const OPTS: ParamSpec[] = ['out', 'dtype', 'layout', 'device', 'requires_grad', 'pin_memory', 'generator', 'memory_format'].map((name) => ({ name, default: null }));

/** Sizes from a factory's variadic `size`; entries that are not ints are unknown. */
function sizeDims(v: ArgValue | undefined): Dim[] | null {
  if (v === undefined || v === UNKNOWN) return null;
  if (Array.isArray(v)) {
    if (v.length === 1 && Array.isArray(v[0])) return sizeDims(v[0]);
    return v.map((x) => (typeof x === 'number' && Number.isInteger(x) ? x : typeof x === 'string' ? x : null));
  }
  return dimList(v);
}

/** Nested list literal → its shape; null when ragged or unknown. */
function literalShape(v: ArgValue | undefined): Dim[] | null {
  if (typeof v === 'number' || typeof v === 'boolean') return [];
  if (!Array.isArray(v)) return null;
  if (v.length === 0) return [0];
  const inner = v.map(literalShape);
  if (inner.some((s) => s === null)) return null;
  const first = JSON.stringify(inner[0]);
  if (inner.some((s) => JSON.stringify(s) !== first)) return null;
  return [v.length, ...(inner[0] as Dim[])];
}

/** The legacy tensor types, constructors by size or by data (`torch.FloatTensor(2, 3)`, `torch.FloatTensor([1, 2])`). */
const LEGACY_TYPES = ['Tensor', 'FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'ByteTensor', 'CharTensor', 'ShortTensor', 'IntTensor', 'LongTensor', 'BoolTensor'];

/**
 * `torch.Tensor(*args)` and the typed constructors (checked against PyTorch 2): no argument is
 * an empty `(0,)` tensor; ints are sizes (`FloatTensor(5)` is `(5,)`, `Tensor(2, 3)` is
 * `(2, 3)`); one tensor or array is copied with its shape; one list is data (`[1, 2, 3]` is
 * `(3,)`). A tuple of ints may be a `torch.Size` (sizes) or data, so its shape is unknown, as is
 * any argument the code does not show.
 */
function legacyConstructorShape(v: ArgValue | undefined): Shape | null {
  if (!Array.isArray(v)) return null;
  if (v.length === 0) return { dims: [0], open: false };
  const ints = v.every((x) => x === UNKNOWN || (typeof x === 'number' && Number.isInteger(x) && x >= 0));
  if (v.length > 1) return ints ? { dims: v.map((x) => (typeof x === 'number' ? x : null)), open: false } : null;
  const [only] = v;
  if (typeof only === 'number') return ints ? { dims: [only], open: false } : null;
  if (isTensor(only)) return only.shape;
  if (!Array.isArray(only) || TUPLE_ARGS.has(only)) return null;
  const dims = literalShape(only);
  return dims ? { dims, open: false } : null;
}

const sized = (names: string[], lead: ParamSpec[] = []): LayerDef => ({
  framework: 'torch',
  names,
  params: [{ name: 'size', variadic: true }, ...lead, ...OPTS],
  kind: 'op',
  apply: (args) => {
    const dims = sizeDims(args.get('size'));
    return out(dims ? { dims, open: false } : null);
  },
});

export const factoryLayers: LayerDef[] = [
  sized(['torch.randn', 'torch.rand', 'torch.zeros', 'torch.ones', 'torch.empty']),
  {
    framework: 'torch',
    names: ['torch.full'],
    params: [{ name: 'size' }, { name: 'fill_value' }, ...OPTS],
    kind: 'op',
    apply: (args) => {
      const dims = sizeDims(args.get('size'));
      return out(dims ? { dims, open: false } : null);
    },
  },
  {
    framework: 'torch',
    names: ['torch.randint'],
    params: [{ name: 'low' }, { name: 'high', default: null }, { name: 'size', default: null }, ...OPTS],
    kind: 'op',
    apply: (args) => {
      // randint(high, size) puts the size second.
      const size = args.explicit('size') ? args.get('size') : args.get('high');
      const dims = Array.isArray(size) ? sizeDims([size]) : null;
      return out(dims ? { dims, open: false } : null);
    },
  },
  {
    framework: 'torch',
    names: ['torch.tensor', 'torch.as_tensor'],
    params: [{ name: 'data' }, ...OPTS],
    kind: 'op',
    apply: (args) => {
      const d = args.get('data');
      if (isTensor(d)) return out(d.shape);
      const dims = literalShape(d);
      return out(dims ? { dims, open: false } : null);
    },
  },
  {
    framework: 'torch',
    names: LEGACY_TYPES.flatMap((t) => [`torch.${t}`, `torch.cuda.${t}`]),
    params: [{ name: 'args', variadic: true }, { name: 'device', default: null }],
    kind: 'op',
    apply: (args) => out(legacyConstructorShape(args.get('args'))),
  },
  {
    framework: 'torch',
    names: ['torch.from_numpy'],
    params: [{ name: 'ndarray' }],
    kind: 'op',
    apply: (args) => {
      const d = args.get('ndarray');
      return out(isTensor(d) ? d.shape : null);
    },
  },
  {
    framework: 'torch',
    names: ['torch.zeros_like', 'torch.ones_like', 'torch.randn_like', 'torch.rand_like', 'torch.empty_like', 'torch.full_like'],
    params: [{ name: 'input' }, { name: 'fill_value', default: null }, ...OPTS],
    kind: 'op',
    apply: (args) => {
      const d = args.get('input');
      return out(isTensor(d) ? d.shape : null);
    },
  },
  {
    framework: 'torch',
    names: ['torch.arange'],
    params: [{ name: 'start' }, { name: 'end', default: null }, { name: 'step', default: 1 }, ...OPTS],
    kind: 'op',
    apply: (args) => {
      const a = args.get('start'), b = args.get('end'), s = args.get('step');
      const [lo, hi] = b === null ? [0, a] : [a, b];
      if (typeof lo !== 'number' || typeof hi !== 'number' || typeof s !== 'number' || s === 0) return out(null);
      return out({ dims: [Math.max(0, Math.ceil((hi - lo) / s))], open: false });
    },
  },
  {
    framework: 'torch',
    names: ['torch.eye'],
    params: [{ name: 'n' }, { name: 'm', default: null }, ...OPTS],
    kind: 'op',
    apply: (args) => {
      const n = args.get('n'), m = args.get('m');
      const d = (v: ArgValue | undefined): Dim => (typeof v === 'number' ? v : null);
      return out({ dims: [d(n), m === null ? d(n) : d(m)], open: false });
    },
  },
];
