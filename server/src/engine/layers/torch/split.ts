/**
 * Ops that return several tensors or regroup one axis: chunk, split, tensor_split, unbind
 * and unflatten, as torch.* functions and torch.Tensor methods. A result is a tuple whose
 * length is known only when the split axis is; otherwise the whole result is unknown.
 */
import { isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { asInt, isTensor, tensor, UNKNOWN, type ArgValue, type BoundArgs, type LayerDef, type LayerIssue, type LayerOutcome, type ParamSpec } from '../types';
import { dimRangeMessage, failed, intList, issue, msgSizes, normAxis, out, showShape } from './common';

/** Python's limit on tuples we materialise; a longer split stays unknown. */
const MAX_PIECES = 4096;

function shapeOf(args: BoundArgs, self: string): Shape | null {
  const v = args.get(self);
  return isTensor(v) ? v.shape : null;
}

/** The split axis of a closed shape, or the IndexError. */
function axisOf(shape: Shape, dimV: ArgValue | undefined, op: string): number | LayerIssue | null {
  const dim = asInt(dimV);
  if (dim === null) return null;
  const r = shape.dims.length;
  const a = normAxis(dim, Math.max(r, 1));
  if (a === null || r === 0) return issue('rank-mismatch', dimRangeMessage(dim, r), [`${op}(dim=${dim}) on ${showShape(shape)}, which has ${r} axes.`]);
  return a;
}

/** A tuple of pieces that differ only in the split axis. */
function pieces(shape: Shape, axis: number, sizes: Dim[]): LayerOutcome {
  if (sizes.length > MAX_PIECES) return { output: UNKNOWN };
  return { output: sizes.map((n) => tensor({ dims: shape.dims.map((d, i) => (i === axis ? n : d)), open: false }, 'torch')) };
}

/** Resolves the common preamble: a closed input and its split axis; or the early outcome. */
function prepare(args: BoundArgs, self: string, dimName: string, op: string): { shape: Shape; axis: number; n: number } | LayerOutcome {
  const shape = shapeOf(args, self);
  if (!shape || shape.open) return { output: UNKNOWN };
  const axis = axisOf(shape, args.get(dimName), op);
  if (axis === null) return { output: UNKNOWN };
  if (typeof axis !== 'number') return failed(axis);
  const n = shape.dims[axis];
  if (!isKnown(n)) return { output: UNKNOWN };
  return { shape, axis, n };
}

const isOutcome = (v: object): v is LayerOutcome => 'output' in v;

function applyChunk(args: BoundArgs, self: string): LayerOutcome {
  const chunks = asInt(args.get('chunks'));
  if (chunks !== null && chunks <= 0)
    return failed(issue('invalid-argument', `chunk expects \`chunks\` to be greater than 0, got: ${chunks}`, [`chunks=${chunks} cannot split anything.`]));
  const p = prepare(args, self, 'dim', 'chunk');
  if (isOutcome(p) || chunks === null) return isOutcome(p) ? p : { output: UNKNOWN };
  // Every chunk has ceil(n / chunks) entries except a shorter last one; fewer chunks may result.
  const size = Math.ceil(p.n / chunks);
  if (size === 0) return pieces(p.shape, p.axis, new Array(chunks).fill(0));
  return pieces(p.shape, p.axis, evenSplit(p.n, size));
}

function evenSplit(n: number, size: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < n; start += size) out.push(Math.min(size, n - start));
  return out.length ? out : [0];
}

function applySplit(args: BoundArgs, self: string): LayerOutcome {
  const p = prepare(args, self, 'dim', 'split');
  if (isOutcome(p)) return p;
  const spec = args.get('split_size_or_sections');
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) return { output: UNKNOWN };
    if (spec === 0 && p.n !== 0)
      return failed(issue('invalid-argument', `split_size can only be 0 if dimension size is 0, but got dimension size of ${p.n}`, [`split(0) of an axis of ${p.n}.`]));
    return spec > 0 ? pieces(p.shape, p.axis, evenSplit(p.n, spec)) : { output: UNKNOWN };
  }
  const sizes = intList(spec);
  if (!sizes) return { output: UNKNOWN };
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== p.n)
    return failed(
      issue('reshape-mismatch', `split_with_sizes expects split_sizes to sum exactly to ${p.n} (input tensor's size at dimension ${p.axis}), but got split_sizes=${msgSizes(sizes)}`, [
        `the sizes ${msgSizes(sizes)} add up to ${sum}; axis ${p.axis} of ${showShape(p.shape)} has ${p.n}.`,
      ]),
    );
  return pieces(p.shape, p.axis, sizes);
}

function applyTensorSplit(args: BoundArgs, self: string): LayerOutcome {
  const spec = args.get('indices_or_sections');
  if (typeof spec === 'number' && Number.isInteger(spec) && spec <= 0)
    return failed(issue('invalid-argument', `number of sections must be larger than 0, got ${spec}`, [`tensor_split into ${spec} sections.`]));
  const p = prepare(args, self, 'dim', 'tensor_split');
  if (isOutcome(p)) return p;
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) return { output: UNKNOWN };
    // The first n % sections pieces get one extra element.
    const base = Math.floor(p.n / spec), extra = p.n % spec;
    return pieces(p.shape, p.axis, Array.from({ length: spec }, (_, i) => base + (i < extra ? 1 : 0)));
  }
  const idx = intList(spec);
  if (!idx) return { output: UNKNOWN };
  // Python slicing between consecutive indices, clamped to the axis; negative indices count from the end.
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + p.n : i, 0), p.n);
  const bounds = [0, ...idx.map(clamp), p.n];
  return pieces(p.shape, p.axis, bounds.slice(1).map((b, i) => Math.max(0, b - Math.max(bounds[i], 0))));
}

function applyUnbind(args: BoundArgs, self: string): LayerOutcome {
  const p = prepare(args, self, 'dim', 'unbind');
  if (isOutcome(p)) return p;
  if (p.n > MAX_PIECES) return { output: UNKNOWN };
  const dims = p.shape.dims.filter((_, i) => i !== p.axis);
  return { output: Array.from({ length: p.n }, () => tensor({ dims, open: false }, 'torch')) };
}

/** torch.unflatten / Tensor.unflatten: one -1 may be inferred. */
export function applyUnflattenOp(shape: Shape | null, dimV: ArgValue | undefined, sizesV: ArgValue | undefined, op = 'unflatten'): LayerOutcome {
  const dim = asInt(dimV);
  const sizes = intList(sizesV);
  if (!shape || dim === null || sizes === null || shape.open) return out(null);
  const a = normAxis(dim, Math.max(shape.dims.length, 1));
  if (a === null || shape.dims.length === 0) return failed(issue('rank-mismatch', dimRangeMessage(dim, shape.dims.length), [`${op}(dim=${dim}) on ${showShape(shape)}.`]));
  const n = shape.dims[a];
  const known = sizes.filter((x) => x !== -1).reduce((x, y) => x * y, 1);
  let filled: Dim[];
  if (isKnown(n)) {
    const fits = sizes.includes(-1) ? known > 0 && n % known === 0 : known === n;
    if (!fits)
      return failed(
        issue('reshape-mismatch', `unflatten: Provided sizes ${msgSizes(sizes)} don't multiply up to the size of dim ${a} (${n}) in the input tensor`, [
          `dim ${a} of ${showShape(shape)} has ${n} elements; ${msgSizes(sizes)} does not split it.`,
        ]),
      );
    filled = sizes.map((x) => (x === -1 ? n / known : x));
  } else filled = sizes.map((x) => (x === -1 ? null : x));
  return out({ dims: [...shape.dims.slice(0, a), ...filled, ...shape.dims.slice(a + 1)], open: false });
}

/** Registers `torch.<fn>` (receiver `input`) and `torch.Tensor.<fn>` (receiver `self`). */
function both(fn: string, rest: ParamSpec[], apply: (args: BoundArgs, self: string) => LayerOutcome): LayerDef[] {
  return [
    { framework: 'torch', names: [`torch.${fn}`], params: [{ name: 'input' }, ...rest], kind: 'op', apply: (a) => apply(a, 'input') },
    { framework: 'torch', names: [`torch.Tensor.${fn}`], params: [{ name: 'self' }, ...rest], kind: 'op', apply: (a) => apply(a, 'self') },
  ];
}

export const splitLayers: LayerDef[] = [
  ...both('chunk', [{ name: 'chunks' }, { name: 'dim', default: 0 }], applyChunk),
  ...both('split', [{ name: 'split_size_or_sections' }, { name: 'dim', default: 0 }], applySplit),
  ...both('tensor_split', [{ name: 'indices_or_sections' }, { name: 'dim', default: 0 }], applyTensorSplit),
  ...both('unbind', [{ name: 'dim', default: 0 }], applyUnbind),
  ...both('unflatten', [{ name: 'dim' }, { name: 'sizes' }], (a, s) => applyUnflattenOp(shapeOf(a, s), a.get('dim'), a.get('sizes'))),
];
