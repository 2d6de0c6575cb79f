/**
 * Smaller shape-changing families: GLU, cosine similarity and pairwise distances, one_hot,
 * embedding bags and functional embedding/bilinear, scaled_dot_product_attention, and the
 * sampling grids (affine_grid, grid_sample). Checks are made only where the message is known.
 */
import { isKnown } from '../../shapes';
import type { Shape } from '../../types';
import { asInt, isTensor, type ArgValue, type BoundArgs, type LayerDef, type LayerOutcome, type ParamSpec, type TensorValue } from '../types';
import { asBool, failed, firstTensor, inputShape, intList, issue, normAxis, out, showShape } from './common';
import { applyBroadcast, applyMatmul } from './ops';

const shapeArg = (args: BoundArgs, name: string): Shape | null => {
  const v = args.get(name);
  return isTensor(v) ? v.shape : null;
};

function applyGlu(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const shape = inputShape(args, inputs, 'input');
  const dim = asInt(args.get('dim'));
  if (!shape || shape.open || dim === null) return out(null);
  const a = normAxis(dim, shape.dims.length);
  if (a === null) return out(null);
  const n = shape.dims[a];
  if (isKnown(n) && n % 2 !== 0)
    return failed(issue('features-mismatch', `Halving dimension must be even, but dimension ${a} is size ${n}`, [`GLU splits axis ${a} of ${showShape(shape)} into two halves.`]));
  return out({ dims: shape.dims.map((d, i) => (i === a ? (isKnown(d) ? d / 2 : null) : d)), open: false });
}

/** Broadcasts two inputs, then removes (or keeps as 1) the reduced axis. */
function reduceAfterBroadcast(a: ArgValue | undefined, b: ArgValue | undefined, dimV: ArgValue | undefined, keep: boolean | null): LayerOutcome {
  const joined = applyBroadcast(a, b);
  if (joined.issue) return joined;
  const s = isTensor(joined.output) ? joined.output.shape : null;
  const dim = asInt(dimV);
  if (!s || s.open || dim === null || keep === null) return out(null);
  const ax = normAxis(dim, s.dims.length);
  if (ax === null) return out(null);
  return out({ dims: s.dims.flatMap((d, i) => (i === ax ? (keep ? [1] : []) : [d])), open: false });
}

function applyOneHot(args: BoundArgs): LayerOutcome {
  const shape = shapeArg(args, 'tensor') ?? shapeArg(args, 'input');
  const n = asInt(args.get('num_classes'));
  if (!shape) return out(null);
  return out({ dims: [...shape.dims, n !== null && n >= 0 ? n : null], open: shape.open });
}

function applyEmbeddingBag(args: BoundArgs, inputs: (TensorValue | ArgValue)[]): LayerOutcome {
  const num = asInt(args.get('num_embeddings')), dim = asInt(args.get('embedding_dim'));
  const params = num !== null && dim !== null ? num * dim : null;
  const shape = firstTensor(inputs)?.shape ?? null;
  const offsets = inputs[1];
  if (!shape || shape.open) return out(null, { params });
  if (shape.dims.length === 2) return out({ dims: [shape.dims[0], dim], open: false }, { params });
  const bags = isTensor(offsets) && offsets.shape && !offsets.shape.open && offsets.shape.dims.length === 1 ? offsets.shape.dims[0] : null;
  return out(shape.dims.length === 1 ? { dims: [bags, dim], open: false } : null, { params });
}

/** q (…, L, E) · k (…, S, E)ᵀ · v (…, S, Ev) → (…, L, Ev); the q·kᵀ product raises like bmm. */
function applySdpa(args: BoundArgs): LayerOutcome {
  const q = shapeArg(args, 'query'), k = shapeArg(args, 'key'), v = shapeArg(args, 'value');
  if (!q || !k || !v || q.open || k.open || v.open || q.dims.length < 2 || k.dims.length < 2 || v.dims.length < 2) return out(null);
  const kT = { dims: [...k.dims.slice(0, -2), k.dims[k.dims.length - 1], k.dims[k.dims.length - 2]], open: false };
  const scores = applyMatmul({ kind: 'tensor', shape: q, lib: 'torch' }, { kind: 'tensor', shape: kT, lib: 'torch' });
  if (scores.issue) return scores;
  const s = isTensor(scores.output) ? scores.output.shape : null;
  if (!s) return out(null);
  return out({ dims: [...s.dims.slice(0, -1), v.dims[v.dims.length - 1]], open: false });
}

/** affine_grid(theta, size): (N, H, W, 2) for a 4-D size, (N, D, H, W, 3) for 5-D. */
function applyAffineGrid(args: BoundArgs): LayerOutcome {
  const size = intList(args.get('size'));
  if (!size || (size.length !== 4 && size.length !== 5)) return out(null);
  return out({ dims: [size[0], ...size.slice(2), size.length - 2], open: false });
}

/** grid_sample(input (N, C, …), grid (N, …out, k)): (N, C, …out). */
function applyGridSample(args: BoundArgs): LayerOutcome {
  const x = shapeArg(args, 'input'), g = shapeArg(args, 'grid');
  if (!x || !g || x.open || g.open || x.dims.length < 4 || g.dims.length !== x.dims.length) return out(null);
  return out({ dims: [x.dims[0], x.dims[1], ...g.dims.slice(1, -1)], open: false });
}

function applyPdist(args: BoundArgs): LayerOutcome {
  const s = shapeArg(args, 'input');
  if (!s || s.open || s.dims.length !== 2) return out(null);
  const n = s.dims[0];
  return out({ dims: [isKnown(n) ? (n * (n - 1)) / 2 : null], open: false });
}

function applyFEmbedding(args: BoundArgs): LayerOutcome {
  const s = shapeArg(args, 'input'), w = shapeArg(args, 'weight');
  if (!s || !w || w.open || w.dims.length !== 2) return out(null);
  return out({ dims: [...s.dims, w.dims[1]], open: s.open });
}

function applyFBilinear(args: BoundArgs): LayerOutcome {
  const s = shapeArg(args, 'input1'), w = shapeArg(args, 'weight');
  if (!s || !w || w.open || w.dims.length !== 3) return out(null);
  return out({ dims: [...s.dims.slice(0, -1), w.dims[0]], open: s.open });
}

/** F.embedding_bag(input, weight, offsets): (B, dim) for 2-D input, (len(offsets), dim) for 1-D. */
function applyFEmbeddingBag(args: BoundArgs): LayerOutcome {
  const s = shapeArg(args, 'input'), w = shapeArg(args, 'weight'), o = shapeArg(args, 'offsets');
  if (!s || !w || s.open || w.open || w.dims.length !== 2) return out(null);
  const bags = s.dims.length === 2 ? s.dims[0] : o && !o.open && o.dims.length === 1 ? o.dims[0] : null;
  return out({ dims: [bags, w.dims[1]], open: false });
}

/** F.conv_tbc(input (T, B, C), weight (k, C, O), bias, pad): (T + 2·pad − k + 1, B, O). */
function applyConvTbc(args: BoundArgs): LayerOutcome {
  const s = shapeArg(args, 'input'), w = shapeArg(args, 'weight');
  const pad = asInt(args.get('pad'));
  if (!s || !w || s.open || w.open || s.dims.length !== 3 || w.dims.length !== 3 || pad === null) return out(null);
  const [t, b] = s.dims, [k, , o] = w.dims;
  return out({ dims: [isKnown(t) && isKnown(k) ? t + 2 * pad - k + 1 : null, b, o], open: false });
}

function op(names: string[], params: ParamSpec[], apply: LayerDef['apply']): LayerDef {
  return { framework: 'torch', names, params, kind: 'op', apply };
}

function layer(name: string, params: ParamSpec[], apply: LayerDef['apply'], callParams?: ParamSpec[]): LayerDef {
  return { framework: 'torch', names: [`torch.nn.${name}`], params, kind: 'layer', apply, callParams };
}

const EMBEDDING_BAG: ParamSpec[] = ['max_norm', 'norm_type', 'scale_grad_by_freq', 'mode', 'sparse', '_weight', 'include_last_offset', 'padding_idx', 'device', 'dtype'].map((name) => ({
  name,
  default: name === 'mode' ? 'mean' : name === 'norm_type' ? 2.0 : name === 'scale_grad_by_freq' || name === 'sparse' || name === 'include_last_offset' ? false : null,
}));

export const specialLayers: LayerDef[] = [
  layer('GLU', [{ name: 'dim', default: -1 }], applyGlu),
  op(['torch.nn.functional.glu'], [{ name: 'input' }, { name: 'dim', default: -1 }], applyGlu),
  layer('CosineSimilarity', [{ name: 'dim', default: 1 }, { name: 'eps', default: 1e-8 }], (args, inputs) => reduceAfterBroadcast(inputs[0], inputs[1], args.get('dim'), false)),
  op(['torch.nn.functional.cosine_similarity', 'torch.cosine_similarity'], [{ name: 'x1' }, { name: 'x2' }, { name: 'dim', default: 1 }, { name: 'eps', default: 1e-8 }], (args) =>
    reduceAfterBroadcast(args.get('x1'), args.get('x2'), args.get('dim'), false),
  ),
  layer('PairwiseDistance', [{ name: 'p', default: 2.0 }, { name: 'eps', default: 1e-6 }, { name: 'keepdim', default: false }], (args, inputs) =>
    reduceAfterBroadcast(inputs[0], inputs[1], -1, asBool(args.get('keepdim'))),
  ),
  op(['torch.nn.functional.pairwise_distance', 'torch.pairwise_distance'], [{ name: 'x1' }, { name: 'x2' }, { name: 'p', default: 2.0 }, { name: 'eps', default: 1e-6 }, { name: 'keepdim', default: false }], (args) =>
    reduceAfterBroadcast(args.get('x1'), args.get('x2'), -1, asBool(args.get('keepdim'))),
  ),
  op(['torch.nn.functional.pdist', 'torch.pdist'], [{ name: 'input' }, { name: 'p', default: 2 }], applyPdist),
  op(['torch.nn.functional.one_hot'], [{ name: 'tensor' }, { name: 'num_classes', default: -1 }], applyOneHot),
  layer('EmbeddingBag', [{ name: 'num_embeddings' }, { name: 'embedding_dim' }, ...EMBEDDING_BAG], applyEmbeddingBag, [{ name: 'offsets', default: null }, { name: 'per_sample_weights', default: null }]),
  op(['torch.nn.functional.embedding'], [{ name: 'input' }, { name: 'weight' }, { name: 'rest', variadic: true }], applyFEmbedding),
  op(['torch.nn.functional.embedding_bag'], [{ name: 'input' }, { name: 'weight' }, { name: 'offsets', default: null }, { name: 'rest', variadic: true }], applyFEmbeddingBag),
  op(['torch.nn.functional.conv_tbc', 'torch.conv_tbc'], [{ name: 'input' }, { name: 'weight' }, { name: 'bias' }, { name: 'pad', default: 0 }], applyConvTbc),
  op(['torch.nn.functional.bilinear'], [{ name: 'input1' }, { name: 'input2' }, { name: 'weight' }, { name: 'bias', default: null }], applyFBilinear),
  op(['torch.nn.functional.scaled_dot_product_attention'], [{ name: 'query' }, { name: 'key' }, { name: 'value' }, { name: 'rest', variadic: true }], applySdpa),
  op(['torch.nn.functional.affine_grid'], [{ name: 'theta' }, { name: 'size' }, { name: 'align_corners', default: null }], applyAffineGrid),
  op(['torch.nn.functional.grid_sample'], [{ name: 'input' }, { name: 'grid' }, { name: 'rest', variadic: true }], applyGridSample),
];

