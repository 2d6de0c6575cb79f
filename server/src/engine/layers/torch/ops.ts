/**
 * Shape ops shared by torch.* functions and torch.Tensor methods: reshape/view, cat/stack,
 * broadcasting arithmetic, transpose/permute, (un)squeeze, reductions, matmul, size().
 */
import { broadcastShapes, isKnown } from '../../shapes';
import type { Dim, Shape } from '../../types';
import { isTensor, tensor, UNKNOWN, type ArgValue, type LayerIssue, type LayerOutcome, type TensorValue } from '../types';
import { asBool, dimRangeMessage, failed, issue, knownProduct, msgDim, msgSizes, normAxis, out, showShape } from './common';

/** Sizes of view/reshape: ints, -1, the batch symbol, or null for an unknown entry. */
export function sizeEntries(v: ArgValue | undefined): Dim[] | null {
  if (!Array.isArray(v)) return typeof v === 'number' ? [v] : null;
  if (v.length === 1 && Array.isArray(v[0])) return sizeEntries(v[0]);
  return v.map((x) => (typeof x === 'number' && Number.isInteger(x) ? x : typeof x === 'string' ? x : null));
}

function reshapeIssue(sizes: Dim[], numel: number | string, shape: Shape): LayerIssue {
  return issue('reshape-mismatch', `shape '${msgSizes(sizes)}' is invalid for input of size ${numel}`, [
    `The tensor ${showShape(shape)} has ${numel} elements; ${msgSizes(sizes)} cannot hold exactly that many.`,
  ]);
}

/** view/reshape. A symbolic batch in both the input and the sizes cancels out. */
export function applyReshape(shape: Shape | null, sizesV: ArgValue | undefined): LayerOutcome {
  const sizes = sizeEntries(sizesV);
  if (!sizes) return out(null);
  if (sizes.filter((d) => d === -1).length > 1)
    return failed(issue('reshape-mismatch', 'only one dimension can be inferred', [`${msgSizes(sizes)} has more than one -1.`]));
  const fill = (v: Dim) => sizes.map((d) => (d === -1 ? v : d));
  if (!shape || shape.open) return out({ dims: fill(null), open: false });
  let inDims = [...shape.dims];
  let rest = sizes.filter((d) => d !== -1);
  for (const sym of new Set(rest.filter((d): d is string => typeof d === 'string'))) {
    if (inDims.filter((d) => d === sym).length === 1 && rest.filter((d) => d === sym).length === 1) {
      inDims = inDims.filter((d) => d !== sym);
      rest = rest.filter((d) => d !== sym);
    }
  }
  const numel = knownProduct(inDims);
  const restProd = knownProduct(rest);
  if (numel === null || restProd === null) return out({ dims: fill(batchForMinusOne(inDims, rest, sizes)), open: false });
  const symbolic = inDims.length !== shape.dims.length;
  const shownNumel = symbolic ? `N·${numel}` : numel;
  if (sizes.includes(-1)) {
    if (restProd === 0 || numel % restProd !== 0) return failed(reshapeIssue(sizes, shownNumel, shape));
    return out({ dims: fill(numel / restProd), open: false });
  }
  if (restProd !== numel) return failed(reshapeIssue(sizes, shownNumel, shape));
  return out({ dims: sizes, open: false });
}

/**
 * The -1 of `x.view(-1, 784)` on an (N, 1, 28, 28) input: the one symbolic input dim itself,
 * when the other input dims hold exactly as many elements as the known sizes (else unknown: k·N
 * is no dim, and a size that does not divide may still fit some N).
 */
function batchForMinusOne(inDims: Dim[], rest: Dim[], sizes: Dim[]): Dim {
  const symbols = inDims.filter((d) => typeof d === 'string');
  if (!sizes.includes(-1) || symbols.length !== 1 || rest.some((d) => typeof d !== 'number')) return null;
  const others = knownProduct(inDims.filter((d) => typeof d !== 'string'));
  return others !== null && others === knownProduct(rest) ? symbols[0] : null;
}

function tensorsOf(v: ArgValue | undefined): TensorValue[] | null {
  return Array.isArray(v) && v.every(isTensor) ? (v as TensorValue[]) : null;
}

/** torch.cat / torch.concat. */
export function applyCat(tv: ArgValue | undefined, dimV: ArgValue | undefined): LayerOutcome {
  const ts = tensorsOf(tv);
  const dim = typeof dimV === 'number' ? dimV : null;
  if (!ts || ts.length === 0 || dim === null || ts.some((t) => !t.shape || t.shape.open)) return out(null);
  const shapes = ts.map((t) => t.shape as Shape);
  const r = shapes[0].dims.length;
  // The axis is wrapped against the first tensor's rank before the ranks are compared.
  const d = normAxis(dim, r);
  if (d === null) return failed(issue('rank-mismatch', dimRangeMessage(dim, r), [`cat(dim=${dim}) on ${shapes.map(showShape).join(', ')}: the first tensor has ${r} axes.`]));
  for (const s of shapes)
    if (s.dims.length !== r)
      return failed(issue('merge-mismatch', `Tensors must have same number of dimensions: got ${r} and ${s.dims.length}`, [`cat needs tensors of one rank: ${shapes.map(showShape).join(', ')}.`]));
  for (let i = 1; i < shapes.length; i++)
    for (let j = 0; j < r; j++) {
      const a = shapes[0].dims[j], b = shapes[i].dims[j];
      if (j !== d && isKnown(a) && isKnown(b) && a !== b)
        return failed(
          issue('merge-mismatch', `Sizes of tensors must match except in dimension ${d}. Expected size ${a} but got size ${b} for tensor number ${i} in the list.`, [
            `cat along dim ${d}: tensor 0 is ${showShape(shapes[0])} but tensor ${i} is ${showShape(shapes[i])} (axis ${j} differs).`,
          ]),
        );
    }
  const dims = shapes[0].dims.map((x, j) => {
    if (j !== d) return shapes.map((s) => s.dims[j]).find(isKnown) ?? x;
    return knownProduct([]) === 1 && shapes.every((s) => isKnown(s.dims[j])) ? shapes.reduce((acc, s) => acc + (s.dims[j] as number), 0) : null;
  });
  return out({ dims, open: false });
}

export function applyStack(tv: ArgValue | undefined, dimV: ArgValue | undefined): LayerOutcome {
  const ts = tensorsOf(tv);
  const dim = typeof dimV === 'number' ? dimV : null;
  if (!ts || ts.length === 0 || dim === null || ts.some((t) => !t.shape || t.shape.open)) return out(null);
  const shapes = ts.map((t) => t.shape as Shape);
  for (let i = 1; i < shapes.length; i++) {
    const a = shapes[0].dims, b = shapes[i].dims;
    if (a.length !== b.length || a.some((x, j) => isKnown(x) && isKnown(b[j]) && x !== b[j]))
      return failed(issue('merge-mismatch', `stack expects each tensor to be equal size, but got ${msgSizes(a)} at entry 0 and ${msgSizes(b)} at entry ${i}`, [`stack needs equal shapes.`]));
  }
  const r = shapes[0].dims.length;
  const d = normAxis(dim, r + 1);
  if (d === null) return failed(issue('rank-mismatch', dimRangeMessage(dim, r + 1), [`stack(dim=${dim}) on ${r}-D tensors.`]));
  const dims = [...shapes[0].dims];
  dims.splice(d, 0, ts.length);
  return out({ dims, open: false });
}

/** Broadcasting of elementwise binary ops; a number operand keeps the tensor's shape. */
export function applyBroadcast(a: ArgValue | undefined, b: ArgValue | undefined): LayerOutcome {
  const sa = isTensor(a) ? a.shape : typeof a === 'number' ? { dims: [], open: false } : null;
  const sb = isTensor(b) ? b.shape : typeof b === 'number' ? { dims: [], open: false } : null;
  if (!sa || !sb) return out(null);
  const n = Math.max(sa.dims.length, sb.dims.length);
  // PyTorch compares from the right; an unknown pair before the clash could raise first.
  let unsure = false;
  for (let k = 1; k <= n; k++) {
    const x = sa.dims[sa.dims.length - k], y = sb.dims[sb.dims.length - k];
    if (x === undefined || y === undefined || x === 1 || y === 1 || x === y) continue;
    if (!isKnown(x) || !isKnown(y)) {
      unsure = true;
      continue;
    }
    if (x !== y) {
      if (unsure || sa.open || sb.open) return out(null);
      return failed(
        issue('merge-mismatch', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${n - k}`, [
          `${showShape(sa)} and ${showShape(sb)} do not broadcast at axis ${n - k}.`,
        ]),
      );
    }
  }
  return out(broadcastShapes(sa, sb));
}

function axisOf(shape: Shape, v: ArgValue | undefined, extra = 0): number | LayerIssue | null {
  if (typeof v !== 'number' || shape.open) return null;
  const r = shape.dims.length + extra;
  const a = normAxis(v, Math.max(r, 1));
  return a === null ? issue('rank-mismatch', dimRangeMessage(v, r), [`axis ${v} does not exist in ${showShape(shape)}.`]) : a;
}

export function applyTranspose(shape: Shape | null, d0: ArgValue | undefined, d1: ArgValue | undefined): LayerOutcome {
  if (!shape) return out(null);
  const a = axisOf(shape, d0), b = axisOf(shape, d1);
  if (typeof a === 'object' && a !== null) return failed(a);
  if (typeof b === 'object' && b !== null) return failed(b);
  if (a === null || b === null) return out(null);
  if (shape.dims.length === 0) return out(shape);
  const dims = [...shape.dims];
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return out({ dims, open: false });
}

export function applyPermute(shape: Shape | null, dimsV: ArgValue | undefined): LayerOutcome {
  const order = sizeEntries(dimsV);
  if (!shape || shape.open || !order || order.some((d) => typeof d !== 'number')) return out(null);
  const r = shape.dims.length;
  if (order.length !== r)
    return failed(issue('rank-mismatch', `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${r} is not equal to len(dims) = ${order.length}`, [`${showShape(shape)} has ${r} axes; permute got ${order.length}.`]));
  const axes: number[] = [];
  for (const o of order as number[]) {
    const a = normAxis(o, r);
    if (a === null) return failed(issue('rank-mismatch', dimRangeMessage(o, r), [`axis ${o} does not exist in ${showShape(shape)}.`]));
    axes.push(a);
  }
  if (new Set(axes).size !== r) return out(null);
  return out({ dims: axes.map((a) => shape.dims[a]), open: false });
}

export function applySqueeze(shape: Shape | null, dimV: ArgValue | undefined): LayerOutcome {
  if (!shape || shape.open) return out(null);
  if (dimV === null || dimV === undefined) {
    if (shape.dims.some((d) => !isKnown(d) && d === null)) return out(null);
    return out({ dims: shape.dims.filter((d) => d !== 1), open: false });
  }
  const list = typeof dimV === 'number' ? [dimV] : sizeEntries(dimV);
  if (!list || list.some((d) => typeof d !== 'number')) return out(null);
  const drop = new Set<number>();
  for (const d of list as number[]) {
    const a = axisOf(shape, d);
    if (typeof a === 'object' && a !== null) return failed(a);
    if (a !== null && shape.dims[a] === 1) drop.add(a);
    else if (a !== null && shape.dims[a] === null) return out(null);
  }
  return out({ dims: shape.dims.filter((_, i) => !drop.has(i)), open: false });
}

export function applyUnsqueeze(shape: Shape | null, dimV: ArgValue | undefined): LayerOutcome {
  if (!shape || shape.open) return out(null);
  const a = axisOf(shape, dimV, 1);
  if (typeof a === 'object' && a !== null) return failed(a);
  if (a === null) return out(null);
  const dims = [...shape.dims];
  dims.splice(a, 0, 1);
  return out({ dims, open: false });
}

/** mean/sum/amax...: dim=None reduces everything. */
export function applyReduce(shape: Shape | null, dimV: ArgValue | undefined, keepV: ArgValue | undefined): LayerOutcome {
  const keep = asBool(keepV);
  if (!shape || keep === null) return out(null);
  if (dimV === null || dimV === undefined) return out(keep && !shape.open ? { dims: shape.dims.map(() => 1), open: false } : keep ? null : { dims: [], open: false });
  if (shape.open) return out(null);
  const list = typeof dimV === 'number' ? [dimV] : sizeEntries(dimV);
  if (!list || list.some((d) => typeof d !== 'number')) return out(null);
  const axes = new Set<number>();
  for (const d of list as number[]) {
    const a = axisOf(shape, d);
    if (typeof a === 'object' && a !== null) return failed(a);
    if (a !== null) axes.add(a);
  }
  const dims = shape.dims.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d]));
  return out({ dims, open: false });
}

/** torch.matmul: 1-D and 2-D operands, and batched stacks with broadcast batch dims (ATen's cases and messages). */
export function applyMatmul(a: ArgValue | undefined, b: ArgValue | undefined): LayerOutcome {
  const sa = isTensor(a) ? a.shape : null, sb = isTensor(b) ? b.shape : null;
  if (!sa || !sb || sa.open || sb.open) return out(null);
  const A = sa.dims, B = sb.dims;
  const why = [`${showShape(sa)} @ ${showShape(sb)}: the inner dims differ.`];
  const mismatch = (message: string) => failed(issue('features-mismatch', message, why));
  if (A.length === 0 || B.length === 0)
    return failed(issue('rank-mismatch', `both arguments to matmul need to be at least 1D, but they are ${A.length}D and ${B.length}D`, [`matmul of ${showShape(sa)} and ${showShape(sb)}.`]));
  const k1 = A[A.length - 1], k2 = B.length === 1 ? B[0] : B[B.length - 2];
  const differ = isKnown(k1) && isKnown(k2) && k1 !== k2;
  if (A.length === 1 && B.length === 1) {
    if (differ) return mismatch(`inconsistent tensor size, expected tensor [${k1}] and src [${k2}] to have the same number of elements, but got ${k1} and ${k2} elements respectively`);
    return out({ dims: [], open: false });
  }
  if (B.length === 1) {
    // mv on the input folded to 2-D.
    const rows = knownProduct(A.slice(0, -1));
    if (differ) return rows === null ? out(null) : mismatch(`size mismatch, got input (${rows}), mat (${rows}x${k1}), vec (${k2})`);
    return out({ dims: A.slice(0, -1), open: false });
  }
  if (B.length === 2 && A.length <= 2 || (A.length >= 3 && B.length === 2)) {
    // mm, with a 1-D left operand as one row and a batched left operand folded into rows.
    const rows = A.length === 1 ? 1 : knownProduct(A.slice(0, -1));
    if (differ) return rows === null ? out(null) : mismatch(`mat1 and mat2 shapes cannot be multiplied (${rows}x${k1} and ${k2}x${msgDim(B[1])})`);
    return out({ dims: [...A.slice(0, -1), B[1]], open: false });
  }
  // bmm over the broadcast batch dims.
  const batchA = A.length >= 3 ? A.slice(0, -2) : [], batchB = B.slice(0, -2);
  const batch = applyBroadcast(tensor({ dims: batchA, open: false }, 'torch'), tensor({ dims: batchB, open: false }, 'torch'));
  if (batch.issue) return failed(batch.issue);
  if (!isTensor(batch.output) || !batch.output.shape) return out(null);
  const bdims = batch.output.shape.dims;
  if (differ) {
    const n = knownProduct(bdims);
    return n === null ? out(null) : mismatch(`Expected size for first two dimensions of batch2 tensor to be: [${n}, ${k1}] but got: [${n}, ${k2}].`);
  }
  const rowsDim = A.length === 1 ? [] : [A[A.length - 2]];
  return out({ dims: [...bdims, ...rowsDim, B[B.length - 1]], open: false });
}

/** torch.mm: two matrices. */
export function applyMm(a: ArgValue | undefined, b: ArgValue | undefined): LayerOutcome {
  const sa = isTensor(a) ? a.shape : null, sb = isTensor(b) ? b.shape : null;
  const notMatrix = (s: Shape | null) => !!s && !s.open && s.dims.length !== 2;
  if (notMatrix(sa)) return failed(issue('rank-mismatch', 'self must be a matrix', [`mm takes 2-D operands; the first is ${showShape(sa!)}.`]));
  if (notMatrix(sb)) return failed(issue('rank-mismatch', 'mat2 must be a matrix', [`mm takes 2-D operands; the second is ${showShape(sb!)}.`]));
  return applyMatmul(a, b);
}

/** torch.bmm: two 3-D stacks with equal batch sizes. */
export function applyBmm(a: ArgValue | undefined, b: ArgValue | undefined): LayerOutcome {
  const sa = isTensor(a) ? a.shape : null, sb = isTensor(b) ? b.shape : null;
  if (!sa || !sb || sa.open || sb.open) return out(null);
  if (sa.dims.length !== 3) return failed(issue('rank-mismatch', 'batch1 must be a 3D tensor', [`bmm takes (B, n, m) @ (B, m, p); the first is ${showShape(sa)}.`]));
  if (sb.dims.length !== 3) return failed(issue('rank-mismatch', 'batch2 must be a 3D tensor', [`bmm takes (B, n, m) @ (B, m, p); the second is ${showShape(sb)}.`]));
  const [b1, n, m1] = sa.dims, [b2, m2, p] = sb.dims;
  const bad = (isKnown(b1) && isKnown(b2) && b1 !== b2) || (isKnown(m1) && isKnown(m2) && m1 !== m2);
  if (bad) {
    if (!isKnown(b1) || !isKnown(m1) || !isKnown(b2) || !isKnown(m2)) return out(null);
    return failed(issue('features-mismatch', `Expected size for first two dimensions of batch2 tensor to be: [${b1}, ${m1}] but got: [${b2}, ${m2}].`, [`${showShape(sa)} @ ${showShape(sb)}: batch2 must be (${b1}, ${m1}, p).`]));
  }
  return out({ dims: [isKnown(b1) ? b1 : b2, n, p], open: false });
}

/** x.size() / x.size(i): a dim is a number, the batch symbol, or UNKNOWN. */
export function applySize(shape: Shape | null, dimV: ArgValue | undefined): LayerOutcome {
  const asArg = (d: Dim | undefined): ArgValue => (d === null || d === undefined ? UNKNOWN : d);
  if (!shape) return { output: UNKNOWN };
  if (dimV === null || dimV === undefined) return { output: shape.open ? UNKNOWN : shape.dims.map(asArg) };
  if (typeof dimV !== 'number') return { output: UNKNOWN };
  if (shape.open) return { output: dimV < 0 ? asArg(shape.dims[shape.dims.length + dimV]) : UNKNOWN };
  const a = normAxis(dimV, Math.max(shape.dims.length, 1));
  if (a === null || shape.dims.length === 0)
    return { output: UNKNOWN, issue: issue('rank-mismatch', dimRangeMessage(dimV, shape.dims.length), [`axis ${dimV} does not exist in ${showShape(shape)}.`]) };
  return { output: asArg(shape.dims[a]) };
}
