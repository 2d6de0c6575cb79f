/**
 * More tensor shape ops, as torch.* functions and torch.Tensor methods: movedim, narrow,
 * select, index_select, hstack/vstack/dstack, tile, repeat_interleave, broadcast_to, ravel,
 * atleast_Nd, and same-shape reorderings (flip, roll, tril, ...). Axis errors use PyTorch's
 * IndexError text; everything else unknown stays unknown.
 */
import { isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { asInt, isTensor, type ArgValue, type BoundArgs, type LayerDef, type LayerOutcome, type ParamSpec } from '../types';
import { dimRangeMessage, failed, issue, knownProduct, normAxis, out, showShape } from './common';
import { applyBroadcast, applyCat, sizeEntries } from './ops';

const shapeOf = (args: BoundArgs, name: string): Shape | null => {
  const v = args.get(name);
  return isTensor(v) && v.shape && !v.shape.open ? v.shape : null;
};

/** A known axis of `s`, the IndexError outcome, or null when unknown. */
function axis(s: Shape, v: ArgValue | undefined, op: string): number | LayerOutcome | null {
  const d = asInt(v);
  if (d === null) return null;
  const r = s.dims.length;
  const a = normAxis(d, Math.max(r, 1));
  if (a === null) return failed(issue('rank-mismatch', dimRangeMessage(d, r), [`${op}(dim=${d}) on ${showShape(s)}.`]));
  return a;
}

function movedim(s: Shape | null, src: ArgValue | undefined, dst: ArgValue | undefined): LayerOutcome {
  if (!s) return out(null);
  const a = axis(s, src, 'movedim'), b = axis(s, dst, 'movedim');
  if (a !== null && typeof a !== 'number') return a;
  if (b !== null && typeof b !== 'number') return b;
  if (a === null || b === null) return out(null);
  const dims = [...s.dims];
  const [d] = dims.splice(a, 1);
  dims.splice(b, 0, d);
  return out({ dims, open: false });
}

function replaceAxis(s: Shape | null, dimV: ArgValue | undefined, op: string, size: (n: Dim) => Dim | 'drop'): LayerOutcome {
  if (!s) return out(null);
  const a = axis(s, dimV, op);
  if (a === null || typeof a !== 'number') return a ?? out(null);
  const n = size(s.dims[a]);
  return out({ dims: n === 'drop' ? s.dims.filter((_, i) => i !== a) : s.dims.map((d, i) => (i === a ? n : d)), open: false });
}

function lengthOf(v: ArgValue | undefined): Dim {
  if (isTensor(v)) return v.shape && !v.shape.open && v.shape.dims.length === 1 ? v.shape.dims[0] : null;
  return Array.isArray(v) ? v.length : null;
}

/** hstack/vstack/dstack: promote with atleast_Nd, then cat along the stacking axis. */
function stackAlong(tv: ArgValue | undefined, kind: 'h' | 'v' | 'd'): LayerOutcome {
  if (!Array.isArray(tv) || !tv.every(isTensor)) return out(null);
  const need = kind === 'd' ? 3 : kind === 'v' ? 2 : 1;
  const promoted = tv.map((t) => (t.shape && !t.shape.open ? { ...t, shape: atLeast(t.shape, need) } : t));
  const dim = kind === 'd' ? 2 : kind === 'v' ? 0 : promoted.every((t) => t.shape && t.shape.dims.length === 1) ? 0 : 1;
  return applyCat(promoted, dim);
}

/** atleast_1d/2d/3d: (n,) → (1, n) → (1, n, 1); (m, n) → (m, n, 1). */
function atLeast(s: Shape, n: number): Shape {
  let dims = s.dims;
  if (dims.length === 0) dims = [1];
  if (n >= 2 && dims.length === 1) dims = [1, dims[0]];
  if (n >= 3 && dims.length === 2) dims = [...dims, 1];
  return { dims, open: false };
}

function tile(s: Shape | null, repsV: ArgValue | undefined): LayerOutcome {
  const reps = sizeEntries(repsV);
  if (!s || !reps) return out(null);
  const n = Math.max(reps.length, s.dims.length);
  const dims = [...new Array(n - s.dims.length).fill(1), ...s.dims];
  const r = [...new Array(n - reps.length).fill(1), ...reps];
  return out({ dims: dims.map((d, i) => (isKnown(d) && isKnown(r[i]) ? d * (r[i] as number) : null)), open: false });
}

function repeatInterleave(s: Shape | null, repsV: ArgValue | undefined, dimV: ArgValue | undefined): LayerOutcome {
  if (!s) return out(null);
  const reps = typeof repsV === 'number' ? repsV : null;
  if (dimV === null || dimV === undefined) {
    const total = knownProduct(s.dims);
    return out({ dims: [total !== null && reps !== null ? total * reps : null], open: false });
  }
  return replaceAxis(s, dimV, 'repeat_interleave', (n) => (isKnown(n) && reps !== null ? n * reps : null));
}

function broadcastTo(s: Shape | null, sizeV: ArgValue | undefined): LayerOutcome {
  const sizes = sizeEntries(sizeV);
  if (!s || !sizes || sizes.length < s.dims.length) return out(null);
  const off = sizes.length - s.dims.length;
  return out({ dims: sizes.map((d, i) => (d === -1 ? (i >= off ? s.dims[i - off] : null) : d)), open: false });
}

type Apply = (args: BoundArgs, self: string) => LayerOutcome;

function both(fns: string[], rest: ParamSpec[], apply: Apply, methodRest: ParamSpec[] = rest): LayerDef[] {
  return [
    { framework: 'torch', names: fns.map((f) => `torch.${f}`), params: [{ name: 'input' }, ...rest], kind: 'op', apply: (a) => apply(a, 'input') },
    { framework: 'torch', names: fns.map((f) => `torch.Tensor.${f}`), params: [{ name: 'self' }, ...methodRest], kind: 'op', apply: (a) => apply(a, 'self') },
  ];
}

const SAME_SHAPE = ['flip', 'fliplr', 'flipud', 'roll', 'tril', 'triu', 'cumsum', 'cumprod', 'nan_to_num'];

export const tensorOpLayers: LayerDef[] = [
  ...both(['movedim', 'moveaxis'], [{ name: 'source' }, { name: 'destination' }], (a, s) => movedim(shapeOf(a, s), a.get('source'), a.get('destination'))),
  ...both(['narrow'], [{ name: 'dim' }, { name: 'start' }, { name: 'length' }], (a, s) => replaceAxis(shapeOf(a, s), a.get('dim'), 'narrow', () => asInt(a.get('length')))),
  ...both(['select'], [{ name: 'dim' }, { name: 'index' }], (a, s) => replaceAxis(shapeOf(a, s), a.get('dim'), 'select', () => 'drop')),
  ...both(['index_select'], [{ name: 'dim' }, { name: 'index' }], (a, s) => replaceAxis(shapeOf(a, s), a.get('dim'), 'index_select', () => lengthOf(a.get('index')))),
  ...both(['tile'], [{ name: 'dims' }], (a, s) => tile(shapeOf(a, s), a.get('dims')), [{ name: 'dims', variadic: true }]),
  ...both(['repeat_interleave'], [{ name: 'repeats' }, { name: 'dim', default: null }], (a, s) => repeatInterleave(shapeOf(a, s), a.get('repeats'), a.get('dim'))),
  ...both(['broadcast_to'], [{ name: 'size' }], (a, s) => broadcastTo(shapeOf(a, s), a.get('size'))),
  ...both(['ravel'], [], (a, s) => {
    const sh = shapeOf(a, s);
    return out(sh ? { dims: [knownProduct(sh.dims)], open: false } : null);
  }),
  ...both(SAME_SHAPE, [{ name: 'rest', variadic: true }], (a, s) => out(shapeOf(a, s))),
  ...([1, 2, 3] as const).map((n): LayerDef => ({
    framework: 'torch',
    names: [`torch.atleast_${n}d`],
    params: [{ name: 'input' }],
    kind: 'op',
    apply: (a) => {
      const sh = shapeOf(a, 'input');
      return out(sh ? atLeast(sh, n) : null);
    },
  })),
  ...(['h', 'v', 'd'] as const).map((k): LayerDef => ({
    framework: 'torch',
    names: k === 'v' ? ['torch.vstack', 'torch.row_stack'] : [`torch.${k}stack`],
    params: [{ name: 'tensors' }],
    kind: 'op',
    apply: (a) => stackAlong(a.get('tensors'), k),
  })),
  {
    framework: 'torch',
    names: ['torch.broadcast_tensors'],
    params: [{ name: 'tensors', variadic: true }],
    kind: 'op',
    apply: (a) => {
      const ts = a.get('tensors');
      if (!Array.isArray(ts) || ts.length === 0) return out(null);
      let acc: LayerOutcome = { output: ts[0] };
      for (const t of ts.slice(1)) {
        acc = applyBroadcast(acc.output, t);
        if (acc.issue) return acc;
      }
      return { output: ts.map(() => acc.output) };
    },
  },
];
